/// `parse: pegasus.nodes`: the replica servers from `nodes -d` (also plain
/// `nodes`, `-j`, the pre-2.0 layout without `[details]`, and the meta
/// server's `/meta/nodes?detail` JSON).
///
/// Result:
/// - `nodes`: one map per node with the shell's columns: `address`,
///   `status` (`ALIVE` or `UNALIVE`), and with `-d` `replica_count`,
///   `primary_count`, `secondary_count` (plus any `-u`/`-q` columns as named).
/// - `alive_count`, `unalive_count`: counted from the rows.
/// - `total_node_count`, `alive_node_count`, `unalive_node_count`: the
///   shell's `[summary]`, null when not printed.
/// - `primary_count_skew`, `replica_count_skew`: see `PegasusCountSkew`
///   (`min`, `max`, `mean`, `spread` = max − min, `ratio` = max / mean),
///   over ALIVE nodes only, since a dead node holds nothing and would make
///   any cluster look skewed; null without `-d`.
/// - `format`: `table` or `json`.
struct PegasusNodesParser: OutputParsing {
    let name = "pegasus.nodes"

    private static let summaryKeys = ["total_node_count", "alive_node_count", "unalive_node_count"]

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let shell = PegasusShellOutput(output, parser: name)
        try shell.throwIfFailed()
        var nodes: [[String: Value]] = []
        var summary: [String: Value] = [:]
        let format: String
        if shell.isJSON, let document = try shell.jsonObject() {
            let root = ValueCursor(document)
            if let details = root["details"].map {
                nodes = PegasusCell.ordered(details.keys).compactMap { ValueCursor(details[$0]).map?.mapValues(PegasusCell.value) }
            }
            summary = root["summary"].map?.mapValues(PegasusCell.value) ?? [:]
            format = "json"
        } else {
            let tables = PegasusTables(shell)
            if let table = tables.table(named: "details") ?? tables.table(startingWith: "address") {
                nodes = try tables.rows(of: table).map(PegasusCell.map)
            }
            if let table = tables.table(named: "summary") {
                for entry in try tables.entries(of: table) { summary[entry.key] = PegasusCell.value(entry.value) }
            }
            format = "table"
        }
        guard !nodes.isEmpty || !summary.isEmpty else {
            throw shell.error("no [details] or [summary] table in the output: not nodes output")
        }
        let alive = nodes.filter { $0["status"] == .string("ALIVE") }
        var result = summary
        for key in Self.summaryKeys where result[key] == nil { result[key] = .null }
        result["nodes"] = .list(nodes.map(Value.map))
        result["alive_count"] = .int(alive.count)
        result["unalive_count"] = .int(nodes.filter { $0["status"] == .string("UNALIVE") }.count)
        result["primary_count_skew"] = Self.skew(alive, "primary_count")
        result["replica_count_skew"] = Self.skew(alive, "replica_count")
        result["format"] = .string(format)
        return .map(result)
    }

    private static func skew(_ nodes: [[String: Value]], _ column: String) -> Value {
        let counts = nodes.compactMap { ValueCursor($0[column]).integer }
        guard counts.count == nodes.count else { return .null }
        return PegasusCountSkew.value(counts)
    }
}
