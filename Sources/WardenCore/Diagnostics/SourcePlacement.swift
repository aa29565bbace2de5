/// Where the characters of a text read from a file sit in that file, so an
/// error at any offset of the text names its file:line:column.
///
/// Most text is placed by where it starts (`flowing`). Text YAML reworked on the
/// way to its value (a `|` block without its indentation, a quoted string without
/// its escapes, folded lines) is placed character by character (`mapped`).
public enum SourcePlacement: Sendable, Hashable {
    /// The text starts here; every later line of it starts at column 1.
    case flowing(from: SourceLocation)
    /// One location per Unicode scalar of the text, then one for just past its end.
    case mapped([SourceLocation])

    /// Where the text's first character is.
    public var start: SourceLocation {
        switch self {
        case let .flowing(start): start
        case let .mapped(locations): locations.first ?? SourceLocation(file: "", line: 1, column: 1)
        }
    }

    /// The location of the scalar at `offset` of `scalars` (the text this places);
    /// `scalars.count` is just past the end, where "unexpected end" errors point.
    func location(at offset: Int, in scalars: [Unicode.Scalar]) -> SourceLocation {
        switch self {
        case let .mapped(locations) where !locations.isEmpty:
            return locations[min(max(0, offset), locations.count - 1)]
        case .mapped:
            return start
        case let .flowing(start):
            var line = start.line
            var column = start.column
            for scalar in scalars.prefix(max(0, offset)) {
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            return SourceLocation(file: start.file, line: line, column: column)
        }
    }

    /// The placement of the part of the text from `offset` on.
    func suffix(from offset: Int, in scalars: [Unicode.Scalar]) -> SourcePlacement {
        switch self {
        case let .mapped(locations) where offset > 0 && offset < locations.count:
            return .mapped(Array(locations[offset...]))
        case .mapped:
            return offset <= 0 ? self : .flowing(from: location(at: offset, in: scalars))
        case .flowing:
            return .flowing(from: location(at: offset, in: scalars))
        }
    }
}
