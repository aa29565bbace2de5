/// The parsers a runbook can name, found by name (with a did-you-mean).
public enum OutputParsers {
    /// Generic parsers first, then the database-specific ones.
    public static let names = [
        "json", "kv", "lines", "regex", "table",
        "pegasus.cluster_info", "pegasus.meta_level", "pegasus.set_meta_level", "pegasus.ls", "pegasus.nodes",
        "pegasus.app_stat", "pegasus.server_info", "pegasus.server_stat", "pegasus.remote_command",
        "fdb.status",
    ]

    /// The parser called `name`. `regex` needs `pattern`, with named groups.
    public static func named(_ name: String, pattern: String? = nil) throws(OutputParseError) -> any OutputParsing {
        switch name {
        case "json": return JSONOutputParser()
        case "kv": return KeyValueOutputParser()
        case "lines": return LinesOutputParser()
        case "table": return TableOutputParser()
        case "pegasus.cluster_info": return PegasusClusterInfoParser()
        case "pegasus.meta_level": return PegasusMetaLevelParser()
        case "pegasus.set_meta_level": return PegasusSetMetaLevelParser()
        case "pegasus.ls": return PegasusListAppsParser()
        case "pegasus.nodes": return PegasusNodesParser()
        case "pegasus.app_stat": return PegasusAppStatParser()
        case "pegasus.server_info": return PegasusServerInfoParser()
        case "pegasus.server_stat": return PegasusServerStatParser()
        case "pegasus.remote_command": return PegasusRemoteCommandParser()
        case "fdb.status": return FDBStatusParser()
        case "regex":
            guard let pattern else {
                throw OutputParseError(.invalidPattern, parser: name, message: "needs a pattern with named groups, e.g. (?<used>\\d+)% used")
            }
            return try RegexOutputParser(pattern: pattern)
        default:
            let hint = NameSuggestion.closest(to: name, among: names).map { "; did you mean '\($0)'?" } ?? ""
            throw OutputParseError(.noSuchParser, parser: name, message: "no such parser\(hint) (parsers: \(names.joined(separator: ", ")))")
        }
    }
}
