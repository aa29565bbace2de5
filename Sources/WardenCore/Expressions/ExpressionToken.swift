/// One token of an expression, with the offset (in Unicode scalars) where
/// it starts in the text.
struct ExpressionToken: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case integer(Int)
        case decimal(Double)
        case duration(Duration)
        case string(String)
        case symbol(String)
        case end
    }

    let kind: Kind
    let offset: Int

    /// How the token reads in a message: `'and'`, `'=='`, `the end`.
    var quoted: String {
        switch kind {
        case let .identifier(name): return "'\(name)'"
        case let .integer(number): return "'\(number)'"
        case let .decimal(number): return "'\(number)'"
        case let .duration(duration): return "'\(DurationText.format(duration))'"
        case .string: return "a string"
        case let .symbol(symbol): return "'\(symbol)'"
        case .end: return "the end of the expression"
        }
    }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }
    func isWord(_ word: String) -> Bool { kind == .identifier(word) }
}
