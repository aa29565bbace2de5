/// `parse: pegasus.app_stat`: per-table (or, with `-a TABLE`, per-partition)
/// request rates and storage usage from `app_stat`, tabular or `-j`,
/// including the older column set the docs still show.
///
/// Result:
/// - `rows`: one map per table or partition, keyed by the shell's column
///   names as printed (`app_name` or `pidx` first, then e.g. `app_id`,
///   `pcount`, `GET`, `MGET`, `PUT`, ..., `file_mb`, `hit_rate`).
/// - `total`: the shell's totals row (`(total:N)`, or the unnamed last row
///   of older shells), null when absent.
/// - `format`: `table` or `json`.
struct PegasusAppStatParser: OutputParsing {
    let name = "pegasus.app_stat"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let shell = PegasusShellOutput(output, parser: name)
        try shell.throwIfFailed()
        var rows: [[String: Value]] = []
        var titleColumn = "app_name"
        let format: String
        if shell.isJSON, let document = try shell.jsonObject() {
            guard let table = ValueCursor(document)["app_stat"].map else {
                throw shell.error("the JSON has no \"app_stat\" table", kind: .missingField)
            }
            rows = table.keys.compactMap { ValueCursor(table[$0]).map?.mapValues(PegasusCell.value) }
            if rows.contains(where: { $0["pidx"] != nil }) { titleColumn = "pidx" }
            rows.sort { Self.order($0, before: $1, by: titleColumn) }
            format = "json"
        } else {
            let tables = PegasusTables(shell)
            guard let table = tables.table(named: "app_stat") ?? tables.table(startingWith: "app_name") ?? tables.table(startingWith: "pidx"),
                  let first = table.columns?.first else {
                throw shell.error("no [app_stat] table in the output")
            }
            titleColumn = first
            rows = try tables.rows(of: table).map(PegasusCell.map)
            format = "table"
        }
        let isTotal = { (row: [String: Value]) -> Bool in
            switch row[titleColumn] {
            case nil, .null?: return true
            case let .string(title)?: return title.hasPrefix("(total")
            default: return false
            }
        }
        return .map([
            "rows": .list(rows.filter { !isTotal($0) }.map(Value.map)),
            "total": rows.last(where: isTotal).map(Value.map) ?? .null,
            "format": .string(format),
        ])
    }

    /// The shell's order: by app id (or partition index), totals last.
    private static func order(_ a: [String: Value], before b: [String: Value], by title: String) -> Bool {
        func key(_ row: [String: Value]) -> (Int, String) {
            let id = ValueCursor(row["app_id"]).integer ?? ValueCursor(row[title]).integer
            let text = ValueCursor(row[title]).string ?? ""
            if text.hasPrefix("(total") || id == 0 && row["app_id"] != nil { return (Int.max, text) }
            return (id ?? Int.max - 1, text)
        }
        return key(a) < key(b)
    }
}
