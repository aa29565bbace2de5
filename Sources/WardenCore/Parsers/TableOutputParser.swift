/// `parse: table`: whitespace-aligned columns under a header row, as a list
/// of maps keyed by the header words. The first non-empty line is the
/// header; the last column takes the rest of its row; a row with fewer
/// words than columns is an error naming its line. Numbers and percentages
/// (`18%`) become numbers.
///
/// A header name of several words (`df -P`'s `Mounted on`) cannot be told
/// from two columns by its words alone, so when the rows have fewer words
/// than the header, the header's positions decide: two header words one
/// space apart are one column when no row has a value under the second one
/// that is not joined to the first (a value under `on` that is not the end
/// of one under `Mounted`). Tables whose rows already fill every header
/// word are read as before, so aligned or not, nothing changes for them.
struct TableOutputParser: OutputParsing {
    let name = "table"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let lines = output.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let headerIndex = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            throw OutputParseError(.empty, parser: name, message: "the output is empty; a table needs a header row")
        }
        let header = TableHeader(line: lines[headerIndex])
        let rows = ((headerIndex + 1)..<lines.count).filter { !lines[$0].allSatisfy(\.isWhitespace) }
        var columns = header.names
        if rows.contains(where: { Self.words(lines[$0], count: columns.count).count != columns.count }) {
            columns = header.joinedNames(rows: rows.map { Array(lines[$0]) })
        }
        var result: [Value] = []
        for index in rows {
            let words = Self.words(lines[index], count: columns.count)
            guard words.count == columns.count else {
                throw OutputParseError(.malformed, parser: name, line: index + 1,
                                       message: "\(words.count) of \(columns.count) columns (\(columns.joined(separator: " ")))")
            }
            result.append(.map(Dictionary(uniqueKeysWithValues: zip(columns, words.map(ScalarText.measure)))))
        }
        return .list(result)
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
