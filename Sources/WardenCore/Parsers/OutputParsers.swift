/// The parsers a runbook can name, found by name (with a did-you-mean).
public enum OutputParsers {
    /// Generic parsers; database-specific ones (Pegasus, FoundationDB) join this list.
    public static let names = ["json", "kv", "lines", "regex", "table"]

    /// The parser called `name`. `regex` needs `pattern`, with named groups.
    public static func named(_ name: String, pattern: String? = nil) throws(OutputParseError) -> any OutputParsing {
        switch name {
        case "json": return JSONOutputParser()
        case "kv": return KeyValueOutputParser()
        case "lines": return LinesOutputParser()
        case "table": return TableOutputParser()
        case "regex":
            guard let pattern else {
                throw OutputParseError(parser: name, message: "needs a pattern with named groups, e.g. (?<used>\\d+)% used")
            }
            return try RegexOutputParser(pattern: pattern)
        default:
            let hint = NameSuggestion.closest(to: name, among: names).map { "; did you mean '\($0)'?" } ?? ""
            throw OutputParseError(parser: name, message: "no such parser\(hint) (parsers: \(names.joined(separator: ", ")))")
        }
    }
}
