/// Typing of the text pegasus_shell prints in a table cell or JSON string
/// (`-j` prints every value as a string): numbers become numbers,
/// `true`/`false` bools, and the shell's placeholders for "none" (`-`, an
/// empty cell) null, so `drop_time == null` reads naturally.
enum PegasusCell {
    static func value(_ text: String) -> Value {
        let trimmed = Substring(text).trimmingWhitespace
        if trimmed.isEmpty || trimmed == "-" { return .null }
        return ScalarText.value(trimmed)
    }

    /// A JSON value from `-j` output: strings typed like cells, maps and
    /// lists typed all the way down.
    static func value(_ json: Value) -> Value {
        switch json {
        case let .string(text): return value(text)
        case let .map(entries): return .map(entries.mapValues(value))
        case let .list(items): return .list(items.map(value))
        default: return json
        }
    }

    static func map(_ row: PegasusTables.Row) -> [String: Value] {
        var result: [String: Value] = [:]
        for (column, text) in row.cells { result[column] = value(text) }
        return result
    }

    /// Keys of a `-j` table ordered as the shell prints its rows: app ids and
    /// partition indexes numerically, other names alphabetically.
    static func ordered(_ keys: some Sequence<String>) -> [String] {
        keys.sorted { a, b in
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
    }
}
