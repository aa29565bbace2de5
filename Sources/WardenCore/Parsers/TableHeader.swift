/// The words of a table's header row and where each stands (in characters),
/// so that `TableOutputParser` can tell a two-word column name from two
/// columns by what the rows have under it.
struct TableHeader {
    /// One header word: its text and the columns it covers, `start..<end`.
    private struct Word {
        var text: String
        var start: Int
        var end: Int
    }

    private let words: [Word]

    init(line: Substring) {
        var words: [Word] = []
        var current: Word?
        for (offset, character) in line.enumerated() {
            if character.isWhitespace {
                if let word = current { words.append(word) }
                current = nil
            } else if current == nil {
                current = Word(text: String(character), start: offset, end: offset + 1)
            } else {
                current?.text.append(character)
                current?.end = offset + 1
            }
        }
        if let word = current { words.append(word) }
        self.words = words
    }

    /// The header's words, each a column.
    var names: [String] { words.map(\.text) }

    /// The column names when a word one space after another joins it
    /// (`Mounted on`): every row either has nothing under the second word
    /// or a value that runs on from the first one across the space, and some
    /// row has a value that starts right under the first (the rows are
    /// aligned to the header, so its positions mean something; without that,
    /// a short row of an unaligned table would swallow the header). Words
    /// further apart, and the first column, are never joined.
    func joinedNames(rows: [[Character]]) -> [String] {
        guard var joined = words.first.map({ [$0] }) else { return [] }
        for word in words.dropFirst() {
            guard joined.count > 1, let previous = joined.last, word.start == previous.end + 1,
                  rows.allSatisfy({ Self.runsOn($0, across: previous.end) || Self.isBlank($0, word.start..<word.end) }),
                  rows.contains(where: { Self.valueStarts($0, at: previous.start) })
            else {
                joined.append(word)
                continue
            }
            joined[joined.count - 1] = Word(text: previous.text + " " + word.text, start: previous.start, end: word.end)
        }
        return joined.map(\.text)
    }

    private static func runsOn(_ row: [Character], across gap: Int) -> Bool {
        gap < row.count && !row[gap].isWhitespace
    }

    private static func valueStarts(_ row: [Character], at column: Int) -> Bool {
        column < row.count && !row[column].isWhitespace && (column == 0 || row[column - 1].isWhitespace)
    }

    private static func isBlank(_ row: [Character], _ range: Range<Int>) -> Bool {
        range.allSatisfy { $0 >= row.count || row[$0].isWhitespace }
    }
}
