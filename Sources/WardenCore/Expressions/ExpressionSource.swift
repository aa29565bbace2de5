/// The text of an expression as Unicode scalars, and where it starts in its
/// file, to turn offsets into file:line:column.
///
/// The first line starts at `start`'s column; every later line at column 1,
/// since the text is the expression itself, not the file around it.
struct ExpressionSource: Sendable {
    let scalars: [Unicode.Scalar]
    let start: SourceLocation

    init(_ text: String, at start: SourceLocation) {
        self.scalars = Array(text.unicodeScalars)
        self.start = start
    }

    /// The location of the scalar at `offset`; `scalars.count` is just past
    /// the end (where "unexpected end" errors point).
    func location(at offset: Int) -> SourceLocation {
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

    func error(_ message: String, at offset: Int, hint: String? = nil) -> LocatedError {
        LocatedError(message, at: location(at: offset), hint: hint)
    }
}
