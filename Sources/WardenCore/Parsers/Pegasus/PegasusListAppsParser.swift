/// `parse: pegasus.ls`: the tables and their health from `ls -d` (also
/// plain `ls`, `-a`, and `-j`), v2.5.0 and master.
///
/// Result:
/// - `apps`: one map per table, with the `[general_info]` columns as the
///   shell names them (`app_id`, `status`, `app_name`, `app_type`,
///   `partition_count`, `replica_count`, `is_stateful`, `create_time`,
///   `drop_time`, `drop_expire`, `envs_count`, and `atomic_idempotent` on
///   master) and, with `-d`, the `[healthy_info]` ones (`fully_healthy`,
///   `unhealthy`, `write_unhealthy`, `read_unhealthy`: partition counts).
///   A table is healthy when `unhealthy == 0` (every partition has a primary
///   and its full replica count). Health is null without `-d` and for
///   tables the shell gives none (not AVAILABLE). `-` placeholders are null.
/// - the `[summary]` counts: `total_app_count`, and with `-d`
///   `fully_healthy_app_count`, `unhealthy_app_count`,
///   `write_unhealthy_app_count`, `read_unhealthy_app_count` (null when not printed).
/// - `format`: `table` or `json`.
struct PegasusListAppsParser: OutputParsing {
    let name = "pegasus.ls"

    private static let summaryKeys = [
        "total_app_count", "fully_healthy_app_count", "unhealthy_app_count", "write_unhealthy_app_count", "read_unhealthy_app_count",
    ]
    private static let healthKeys = ["fully_healthy", "unhealthy", "write_unhealthy", "read_unhealthy"]

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let shell = PegasusShellOutput(output, parser: name)
        try shell.throwIfFailed()
        var general: [[String: Value]]
        var health: [[String: Value]]
        var summary: [String: Value]
        let format: String
        if shell.isJSON, let document = try shell.jsonObject() {
            let root = ValueCursor(document)
            general = Self.rows(root["general_info"])
            health = Self.rows(root["healthy_info"])
            summary = root["summary"].map.map { $0.mapValues(PegasusCell.value) } ?? [:]
            format = "json"
        } else {
            let tables = PegasusTables(shell)
            general = try tables.table(named: "general_info").map { table throws(OutputParseError) in
                try tables.rows(of: table).map(PegasusCell.map)
            } ?? []
            health = try tables.table(named: "healthy_info").map { table throws(OutputParseError) in
                try tables.rows(of: table).map(PegasusCell.map)
            } ?? []
            summary = [:]
            if let table = tables.table(named: "summary") {
                for entry in try tables.entries(of: table) { summary[entry.key] = PegasusCell.value(entry.value) }
            }
            format = "table"
        }
        guard !general.isEmpty || !health.isEmpty || !summary.isEmpty else {
            throw shell.error("no [general_info], [healthy_info] or [summary] table in the output: not ls output")
        }
        // Merge health into the general rows by app id; a table with health
        // but no general row (never printed by upstream) still shows up.
        var apps = general
        for row in health {
            if let index = apps.firstIndex(where: { $0["app_id"] == row["app_id"] && row["app_id"] != nil }) {
                apps[index].merge(row) { current, _ in current }
            } else {
                apps.append(row)
            }
        }
        for index in apps.indices {
            for key in Self.healthKeys where apps[index][key] == nil { apps[index][key] = .null }
        }
        var result = summary
        for key in Self.summaryKeys where result[key] == nil { result[key] = .null }
        result["apps"] = .list(apps.map(Value.map))
        result["format"] = .string(format)
        return .map(result)
    }

    /// A `-j` table `{"<row title>": {"<column>": "<text>"}}` as typed rows in the shell's order.
    private static func rows(_ table: ValueCursor) -> [[String: Value]] {
        guard let rows = table.map else { return [] }
        return PegasusCell.ordered(rows.keys).compactMap { key in
            ValueCursor(rows[key]).map.map { $0.mapValues(PegasusCell.value) }
        }
    }
}
