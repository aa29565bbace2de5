/// `parse: table`: whitespace-aligned columns under a header row, as a list
/// of maps keyed by the header words. The first non-empty line is the
/// header; the last column takes the rest of its row; a row with fewer
/// words than columns is an error naming its line. Numbers become numbers.
struct TableOutputParser: OutputParsing {
    let name = "table"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let lines = output.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let headerIndex = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            throw OutputParseError(parser: name, message: "the output is empty; a table needs a header row")
        }
        let columns = lines[headerIndex].split(whereSeparator: \.isWhitespace).map(String.init)
        var rows: [Value] = []
        for index in (headerIndex + 1)..<lines.count {
            let line = lines[index]
            if line.allSatisfy(\.isWhitespace) { continue }
            let words = Self.words(line, count: columns.count)
            guard words.count == columns.count else {
                throw OutputParseError(parser: name, line: index + 1,
                                       message: "\(words.count) of \(columns.count) columns (\(columns.joined(separator: " ")))")
            }
            rows.append(.map(Dictionary(uniqueKeysWithValues: zip(columns, words.map(ScalarText.value)))))
        }
        return .list(rows)
    }

    /// Up to `count` words; the last one keeps the rest of the line, inner spaces included.
    private static func words(_ line: Substring, count: Int) -> [String] {
        var words: [String] = []
        var rest = line.drop(while: \.isWhitespace)
        while !rest.isEmpty {
            if words.count == count - 1 {
                words.append(rest.trimmingWhitespace)
                break
            }
            let word = rest.prefix(while: { !$0.isWhitespace })
            words.append(String(word))
            rest = rest.dropFirst(word.count).drop(while: \.isWhitespace)
        }
        return words
    }
}
