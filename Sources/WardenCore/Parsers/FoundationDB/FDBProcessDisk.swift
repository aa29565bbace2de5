/// Disk space as one process sees it, the monitoring guide's "process space
/// usage": free space on its disk, and "available" space (free plus space
/// reusable inside data files) for its kv-stores and, on logs, its queue.
/// The guide alerts when free falls below 15% and available below 35%/25%.
enum FDBProcessDisk {
    /// `process_id`, `address`, `roles`, `free_bytes`, `total_bytes`,
    /// `free_ratio`, `kvstore_available_ratio` and
    /// `queue_disk_available_ratio` (the lowest over the process's roles);
    /// null where the document gives no figure.
    static func value(id: String, process: ValueCursor) -> [String: Value] {
        let roles = (process["roles"].list ?? []).map(ValueCursor.init)
        return [
            "process_id": .string(id),
            "address": process["address"].orNull,
            "roles": .list(roles.compactMap { $0["role"].string.map(Value.string) }),
            "free_bytes": process["disk"]["free_bytes"].orNull,
            "total_bytes": process["disk"]["total_bytes"].orNull,
            "free_ratio": ParsedValue.double(ratio(process["disk"]["free_bytes"], process["disk"]["total_bytes"])),
            "kvstore_available_ratio": ParsedValue.double(
                roles.compactMap { ratio($0["kvstore_available_bytes"], $0["kvstore_total_bytes"]) }.min()),
            "queue_disk_available_ratio": ParsedValue.double(
                roles.compactMap { ratio($0["queue_disk_available_bytes"], $0["queue_disk_total_bytes"]) }.min()),
        ]
    }

    private static func ratio(_ part: ValueCursor, _ whole: ValueCursor) -> Double? {
        guard let part = part.number, let whole = whole.number, whole > 0 else { return nil }
        return part / whole
    }
}
