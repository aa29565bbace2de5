import Yams

/// Where each character of a YAML scalar's value is written in its file, so an
/// error inside an expression or a template points at the character to fix, also
/// on a later line of a `|` or `>` block, after an escape in a quoted string, or in
/// text folded over several lines.
///
/// YAML reworks a scalar's text on the way to its value: it drops the quotes, a
/// block's indentation and the whitespace around folded line breaks, turns `''` and
/// `\"` into one character, and a line break into a space, a newline or nothing.
/// This walks the written text in the scalar's style (`YAMLScalarText`) and lines
/// it up with the value one character at a time. Where the walk cannot tell what
/// YAML made of a space or a line break, the value says: it either holds that
/// character next or not. When the two do not line up (a style this does not
/// follow, such as a block's explicit indentation digit), there is no map, and the
/// caller counts from the scalar's start as before: a location may then be off,
/// never an error lost.
enum YAMLScalarSourceMap {
    /// One location per Unicode scalar of the value, then one for just past its
    /// end; nil when the value cannot be lined up with what is written.
    /// `lines` are the file's lines split at "\n".
    static func locations(of scalar: Node.Scalar, lines: [[Unicode.Scalar]], file: String) -> [SourceLocation]? {
        guard let mark = scalar.mark, var text = YAMLScalarText(style: scalar.style, lines: lines, line: mark.line - 1, column: mark.column - 1)
        else { return nil }
        let value = Array(scalar.string.unicodeScalars)
        var locations: [SourceLocation] = []
        locations.reserveCapacity(value.count + 1)
        func place(_ line: Int, _ column: Int) -> SourceLocation {
            SourceLocation(file: file, line: line + 1, column: column + 1)
        }
        while locations.count < value.count {
            guard let piece = text.next() else { return nil }
            let wanted = value[locations.count]
            switch piece.kind {
            case let .character(written):
                guard written == wanted else { return nil }
            case let .whitespace(written):
                guard written == wanted else { continue }
            case .lineBreak:
                guard wanted == "\n" || wanted == " " else { continue }
            }
            locations.append(place(piece.line, piece.column))
        }
        if let after = text.next() {
            locations.append(place(after.line, after.column))
        } else if let last = locations.last {
            locations.append(SourceLocation(file: file, line: last.line, column: last.column + 1))
        } else {
            return nil
        }
        return locations
    }
}
