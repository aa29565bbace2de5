/// `parse: kv`: `key : value` lines as a map (Pegasus' `cluster_info` prints
/// this way). Lines without a colon (banners, blank lines) are skipped;
/// keys and values are trimmed and typed (numbers and `N%` become numbers);
/// a key that repeats is an error.
struct KeyValueOutputParser: OutputParsing {
    let name = "kv"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        var entries: [String: Value] = [:]
        for (index, line) in output.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace
            guard !key.isEmpty else { continue }
            if entries[key] != nil {
                throw OutputParseError(.malformed, parser: name, line: index + 1, message: "key '\(key)' appears twice")
            }
            entries[key] = ScalarText.measure(line[line.index(after: colon)...].trimmingWhitespace)
        }
        guard !entries.isEmpty else { throw OutputParseError(.unrecognized, parser: name, message: "no 'key : value' lines in the output") }
        return .map(entries)
    }
}

extension Substring {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
