/// The names of meta function levels. The shell prints the stored level as
/// `fl_steady` (`get_meta_level`, `set_meta_level`) but the effective one
/// as `steady` (`cluster_info`); parsers report both as `steady` so a
/// runbook compares like with like.
enum PegasusMetaLevel {
    /// `fl_steady`, `FL_STEADY`, `steady` → `steady`; nil for an empty name (cut-off output).
    static func name(_ text: String) -> String? {
        let lowered = Substring(text).trimmingWhitespace.lowercased()
        let name = lowered.hasPrefix("fl_") ? String(lowered.dropFirst(3)) : lowered
        return name.isEmpty ? nil : name
    }
}
