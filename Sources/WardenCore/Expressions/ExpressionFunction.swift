/// The built-in functions; nothing else can be called.
enum ExpressionFunction: String, Sendable, CaseIterable {
    case len, count, sum, min, max, any, all, matches, now, hour, select
    case int, float, str

    /// How many arguments the function takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .now: return 0...0
        case .hour: return 0...1
        case .count: return 1...2
        case .matches: return 2...2
        case .select: return 3...4
        case .min, .max: return 1...Int.max
        case .len, .sum, .any, .all, .int, .float, .str: return 1...1
        }
    }

    /// "1 argument", "1 or 2 arguments", "at least 1 argument".
    var arityText: String {
        func arguments(_ count: Int) -> String { count == 1 ? "1 argument" : "\(count) arguments" }
        if arity.lowerBound == arity.upperBound { return arguments(arity.lowerBound) }
        if arity.upperBound == Int.max { return "at least " + arguments(arity.lowerBound) }
        return "\(arity.lowerBound) or " + arguments(arity.upperBound)
    }
}
