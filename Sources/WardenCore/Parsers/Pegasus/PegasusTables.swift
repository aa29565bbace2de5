/// The tables pegasus_shell's table printer draws (`src/utils/output_utils`):
/// a `[name]` line, then either `key<padding>: value` rows or a header row
/// over whitespace-aligned columns, and a blank line after each table when
/// a command prints several. Older shells print the same tables without the
/// `[name]` line; those come back unnamed.
struct PegasusTables {
    /// One table's lines, without its `[name]` line.
    struct Table {
        let name: String?
        let lines: [PegasusShellOutput.Line]

        /// The header words when the table has columns (its first line is not `key : value`).
        var columns: [String]? {
            guard let first = lines.first, PegasusTables.keyValue(first.text) == nil else { return nil }
            return first.text.split(whereSeparator: \.isWhitespace).map(String.init)
        }
    }

    /// One `key : value` row; a value spanning several lines (master's
    /// `balance_operation_count` JSON) is joined with newlines.
    struct Entry {
        let key: String
        let value: String
        let line: Int
    }

    /// One row under a header: cells by column name, in column order.
    struct Row {
        let line: Int
        let cells: [(column: String, text: String)]

        subscript(column: String) -> String? { cells.first { $0.column == column }?.text }
    }

    let parser: String
    let tables: [Table]

    init(_ output: PegasusShellOutput) {
        parser = output.parser
        var tables: [Table] = []
        var name: String?
        var lines: [PegasusShellOutput.Line] = []
        var openValue = false
        func close() {
            if !lines.isEmpty || name != nil { tables.append(Table(name: name, lines: lines)) }
            name = nil
            lines = []
        }
        for line in output.lines {
            // A multi-line value runs until its closing brace, blank lines and all.
            if openValue {
                lines.append(line)
                if line.text.hasPrefix("}") { openValue = false }
                continue
            }
            if line.isBlank {
                close()
            } else if let header = Self.tableName(line.text) {
                close()
                name = header
            } else {
                lines.append(line)
                if let entry = Self.keyValue(line.text), entry.value == "{" { openValue = true }
            }
        }
        close()
        self.tables = tables
    }

    func table(named name: String) -> Table? { tables.first { $0.name == name } }

    /// The first table, named or not, whose header starts with `column`.
    func table(startingWith column: String) -> Table? { tables.first { $0.columns?.first == column } }

    /// The first table, named or not, whose rows include the key `key`.
    func table(withKey key: String) -> Table? {
        tables.first { table in table.lines.contains { Self.keyValue($0.text)?.key == key } }
    }

    /// The `key : value` rows of `table`, up to the first line of another
    /// shape: a lone table gets no blank line after it, so the output of a
    /// next command may follow directly. A table without rows is an error.
    func entries(of table: Table) throws(OutputParseError) -> [Entry] {
        var entries: [Entry] = []
        var index = 0
        while index < table.lines.count {
            let line = table.lines[index]
            guard let (key, value) = Self.keyValue(line.text) else {
                if entries.isEmpty {
                    throw OutputParseError(.malformed, parser: parser, line: line.number,
                                           message: "expected 'key : value' in the [\(table.name ?? "")] table, found \"\(line.text)\"")
                }
                break
            }
            var text = value
            if value == "{" {
                var body = ["{"]
                repeat {
                    index += 1
                    guard index < table.lines.count else {
                        throw OutputParseError(.malformed, parser: parser, line: line.number, message: "the value of '\(key)' opens '{' but never closes it")
                    }
                    body.append(table.lines[index].text)
                } while !table.lines[index].text.hasPrefix("}")
                text = body.joined(separator: "\n")
            }
            entries.append(Entry(key: key, value: text, line: line.number))
            index += 1
        }
        return entries
    }

    /// The rows under `table`'s header. A row with fewer words than columns
    /// lost its empty cells: at the front when it starts with spaces (the
    /// unnamed totals row), else at the end; a row with more is an error.
    func rows(of table: Table) throws(OutputParseError) -> [Row] {
        guard let columns = table.columns else { return [] }
        return try table.lines.dropFirst().map { line throws(OutputParseError) in
            var words = line.text.split(whereSeparator: \.isWhitespace).map(String.init)
            guard words.count <= columns.count else {
                throw OutputParseError(.malformed, parser: parser, line: line.number,
                                       message: "\(words.count) values under \(columns.count) columns (\(columns.joined(separator: " ")))")
            }
            let missing = columns.count - words.count
            if line.text.first?.isWhitespace == true {
                words.insert(contentsOf: repeatElement("", count: missing), at: 0)
            } else {
                words.append(contentsOf: repeatElement("", count: missing))
            }
            return Row(line: line.number, cells: Array(zip(columns, words)))
        }
    }

    /// `[name]` → `name`.
    private static func tableName(_ text: String) -> String? {
        guard text.hasPrefix("["), text.hasSuffix("]"), text.count > 2 else { return nil }
        let name = text.dropFirst().dropLast()
        guard !name.contains(where: { $0.isWhitespace || $0 == "[" || $0 == "]" }) else { return nil }
        return String(name)
    }

    /// `key<padding>: value` → (key, value). The key has no spaces or colons
    /// and the colon is followed by a space or the end of the line, so a row
    /// starting with `127.0.0.1:34801` is not mistaken for one.
    static func keyValue(_ text: String) -> (key: String, value: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let key = text[..<colon].trimmingWhitespace
        guard !key.isEmpty, !key.contains(where: \.isWhitespace), text.first?.isWhitespace == false else { return nil }
        let rest = text[text.index(after: colon)...]
        guard rest.isEmpty || rest.first?.isWhitespace == true else { return nil }
        return (key, rest.trimmingWhitespace)
    }
}
