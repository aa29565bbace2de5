/// What backup and DR agents report about themselves under
/// `cluster.layers.<layer>` (`backup`, `dr_backup`, `dr_backup_dest`). The
/// agents write these documents, not the server, and each expires about
/// 120 s after its agent stops: with the layer read successfully
/// (`_valid`) and no document, no agent is running.
enum FDBLayerStatus {
    /// `instances_running` (0 when the layers are valid but this one is
    /// absent, null when the layers could not be read), `paused`, `tags`
    /// (the tag names), and for the `default` tag `running`
    /// (`running_backup`), `restorable` (`running_backup_is_restorable`),
    /// `seconds_behind` (from `lagKey`), `range_bytes_written`,
    /// `mutation_log_bytes_written`.
    static func value(_ layer: ValueCursor, layersValid: Bool?, lagKey: String) -> Value {
        let instances: Value
        if let running = layer["instances_running"].value {
            instances = running
        } else {
            instances = layer.value == nil && layersValid == true ? .int(0) : .null
        }
        // `timestamp` sits among the tags; it is not one.
        let tags = (layer["tags"].map?.keys.filter { $0 != "timestamp" }.sorted()) ?? []
        let tag = layer["tags"]["default"]
        return .map([
            "instances_running": instances,
            "paused": layer["paused"].orNull,
            "tags": .list(tags.map(Value.string)),
            "running": tag["running_backup"].orNull,
            "restorable": tag["running_backup_is_restorable"].orNull,
            "seconds_behind": tag[lagKey].orNull,
            "range_bytes_written": tag["range_bytes_written"].orNull,
            "mutation_log_bytes_written": tag["mutation_log_bytes_written"].orNull,
        ])
    }
}
