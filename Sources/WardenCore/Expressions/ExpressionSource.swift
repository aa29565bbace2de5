/// The text of an expression as Unicode scalars, and where they are in its
/// file, to turn offsets into file:line:column.
struct ExpressionSource: Sendable {
    let scalars: [Unicode.Scalar]
    let placement: SourcePlacement

    init(_ text: String, placement: SourcePlacement) {
        self.scalars = Array(text.unicodeScalars)
        self.placement = placement
    }

    /// The location of the scalar at `offset`; `scalars.count` is just past
    /// the end (where "unexpected end" errors point).
    func location(at offset: Int) -> SourceLocation {
        placement.location(at: offset, in: scalars)
    }

    /// Where the text from `offset` on is (a template's `{{ }}` hole).
    func placement(from offset: Int) -> SourcePlacement {
        placement.suffix(from: offset, in: scalars)
    }

    func error(_ message: String, at offset: Int, hint: String? = nil) -> LocatedError {
        LocatedError(message, at: location(at: offset), hint: hint)
    }
}
