/// `parse: pegasus.cluster_info`: the meta server's view of the cluster,
/// from `cluster_info` or `cluster_info -j` (v2.5.0 and master).
///
/// Result: `meta_servers` (list of `host:port`), `primary_meta_server`,
/// `zookeeper_hosts` (list), `zookeeper_root`, `meta_function_level`
/// (`steady`, `lively`, ...; the *effective* level, which reads `freezed`
/// while too few nodes are alive), `balance_operation_count` (map of ints:
/// `move_pri`, `copy_pri`, `copy_sec`, `total`; `total` is -1 on master
/// until the meta server has heard from every replica),
/// `primary_replica_count_stddev`, `total_replica_count_stddev`,
/// `cluster_name` (null on shells that do not print it), `format` (`table`
/// or `json`), plus any other key the shell prints, typed.
struct PegasusClusterInfoParser: OutputParsing {
    let name = "pegasus.cluster_info"

    private static let listKeys: Set = ["meta_servers", "zookeeper_hosts"]
    private static let knownKeys = [
        "meta_servers", "primary_meta_server", "zookeeper_hosts", "zookeeper_root", "meta_function_level",
        "balance_operation_count", "primary_replica_count_stddev", "total_replica_count_stddev", "cluster_name",
    ]

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let shell = PegasusShellOutput(output, parser: name)
        try shell.throwIfFailed()
        var texts: [String: String] = [:]
        let format: String
        if shell.isJSON, let document = try shell.jsonObject() {
            // `-j` wraps the table in {"cluster_info": {...}}; the meta
            // server's HTTP API (/meta/cluster) serves the same keys bare.
            let table = ValueCursor(document)["cluster_info"].map ?? ValueCursor(document).map ?? [:]
            for (key, value) in table {
                if case let .string(text) = value { texts[key] = text } else { texts[key] = value.description }
            }
            format = "json"
        } else {
            let tables = PegasusTables(shell)
            guard let table = tables.table(named: "cluster_info") ?? tables.table(withKey: "meta_function_level") else {
                throw shell.error("no [cluster_info] table in the output")
            }
            for entry in try tables.entries(of: table) { texts[entry.key] = entry.value }
            format = "table"
        }
        guard texts["meta_function_level"] != nil || texts["meta_servers"] != nil else {
            throw shell.error("the output has no meta_function_level or meta_servers: not cluster_info output")
        }
        var result: [String: Value] = ["format": .string(format)]
        for key in Self.knownKeys { result[key] = .null }
        for (key, text) in texts {
            result[key] = value(key: key, text: text)
        }
        return .map(result)
    }

    private func value(key: String, text: String) -> Value {
        let trimmed = Substring(text).trimmingWhitespace
        if trimmed.isEmpty { return .null }
        if Self.listKeys.contains(key) {
            return .list(trimmed.split(separator: ",").map { .string($0.trimmingWhitespace) })
        }
        switch key {
        case "balance_operation_count":
            return PegasusBalanceOperationCount.value(trimmed) ?? .string(trimmed)
        case "meta_function_level":
            return ParsedValue.string(PegasusMetaLevel.name(trimmed))
        case "primary_meta_server", "zookeeper_root", "cluster_name":
            return .string(trimmed)
        default:
            return PegasusCell.value(trimmed)
        }
    }
}
