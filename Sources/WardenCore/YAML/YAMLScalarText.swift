import Yams

/// The written text of one YAML scalar, read piece by piece in its style:
/// what each piece may stand for in the value, and where it is written.
/// `YAMLScalarSourceMap` lines the pieces up with the value.
///
/// Line and column are 0-based here. Only as much is read as is asked for: a plain
/// scalar's end is where its value ends, which the caller knows.
struct YAMLScalarText {
    struct Piece {
        enum Kind {
            /// A character the value holds as written (after a `''` or `\` escape: the character it stands for).
            case character(Unicode.Scalar)
            /// A space or tab, which the value keeps unless it sits where YAML trims.
            case whitespace(Unicode.Scalar)
            /// The end of a line, which the value shows as a newline, a space or nothing.
            case lineBreak
        }

        let kind: Kind
        let line: Int
        let column: Int
    }

    private enum Layout {
        case plain, singleQuoted, doubleQuoted
        /// A `|` or `>` block, its lines indented by this many spaces.
        case block(indent: Int)
    }

    private let lines: [[Unicode.Scalar]]
    private let layout: Layout
    private var line: Int
    private var column: Int
    private var atLineStart = false
    private var ended = false

    /// Starts at the scalar's mark (0-based): its first character, its opening quote,
    /// or its `|`/`>` indicator. Nil for what this does not follow.
    init?(style: Node.Scalar.Style, lines: [[Unicode.Scalar]], line: Int, column: Int) {
        guard line >= 0, line < lines.count, column >= 0 else { return nil }
        self.lines = lines
        self.line = line
        self.column = column
        switch style {
        case .plain, .any:
            layout = .plain
        case .singleQuoted:
            layout = .singleQuoted
            self.column += 1
        case .doubleQuoted:
            layout = .doubleQuoted
            self.column += 1
        case .literal, .folded:
            // The header (`|`, `>-`, `|+ # comment`) ends its line. An indentation digit
            // makes the indentation relative to the parent's, which is not known here.
            let header = lines[line].dropFirst(column + 1).prefix { $0 != "#" }
            guard !header.contains(where: { $0.properties.numericType != nil }) else { return nil }
            guard let indent = Self.blockIndent(lines, after: line) else { return nil }
            layout = .block(indent: indent)
            self.line += 1
            self.column = 0
            atLineStart = true
        }
    }

    /// The next piece of the scalar's text, or nil past its end.
    mutating func next() -> Piece? {
        while !ended, line < lines.count {
            let row = lines[line]
            let length = row.last == "\r" ? row.count - 1 : row.count
            if atLineStart {
                atLineStart = false
                if case let .block(indent) = layout {
                    let spaces = row.prefix { $0 == " " }.count
                    let blank = spaces >= length
                    // A line indented less than the block, not blank, is past its end.
                    guard blank || spaces >= indent else { ended = true; return nil }
                    column = min(indent, length)
                } else {
                    while column < length, row[column] == " " || row[column] == "\t" { column += 1 }
                }
            }
            if column >= length {
                let piece = Piece(kind: .lineBreak, line: line, column: length)
                line += 1
                column = 0
                atLineStart = true
                return piece
            }
            let scalar = row[column]
            let at = column
            switch layout {
            case .singleQuoted where scalar == "'":
                guard column + 1 < length, row[column + 1] == "'" else { ended = true; return nil }
                column += 2
                return Piece(kind: .character("'"), line: line, column: at)
            case .doubleQuoted where scalar == "\"":
                ended = true
                return nil
            case .doubleQuoted where scalar == "\\":
                guard column + 1 < length else {
                    // An escaped line break joins the lines with nothing between.
                    line += 1
                    column = 0
                    atLineStart = true
                    continue
                }
                guard let (escaped, width) = Self.escape(in: row, at: column + 1, length: length) else { ended = true; return nil }
                column += 1 + width
                return Piece(kind: .character(escaped), line: line, column: at)
            default:
                column += 1
                let kind: Piece.Kind = scalar == " " || scalar == "\t" ? .whitespace(scalar) : .character(scalar)
                return Piece(kind: kind, line: line, column: at)
            }
        }
        return nil
    }

    /// The indentation of a block's first line that holds more than spaces.
    private static func blockIndent(_ lines: [[Unicode.Scalar]], after header: Int) -> Int? {
        for row in lines.dropFirst(header + 1) {
            let length = row.last == "\r" ? row.count - 1 : row.count
            let spaces = row.prefix { $0 == " " }.count
            if spaces < length { return spaces }
        }
        return nil
    }

    /// What a double-quoted string's escape stands for, and how many characters
    /// after the backslash it takes; nil for an escape YAML does not have.
    private static func escape(in row: [Unicode.Scalar], at index: Int, length: Int) -> (Unicode.Scalar, Int)? {
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "0": "\0", "a": "\u{07}", "b": "\u{08}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{0B}", "f": "\u{0C}",
            "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\", "N": "\u{85}", "_": "\u{A0}",
            "L": "\u{2028}", "P": "\u{2029}",
        ]
        let letter = row[index]
        if let scalar = simple[letter] { return (scalar, 1) }
        let digits: Int
        switch letter {
        case "x": digits = 2
        case "u": digits = 4
        case "U": digits = 8
        default: return nil
        }
        let hex = String(String.UnicodeScalarView(row[(index + 1)..<min(index + 1 + digits, length)]))
        guard hex.count == digits, let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, 1 + digits)
    }
}
