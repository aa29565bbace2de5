/// The operators of the expression language, with their precedence (higher
/// binds tighter) and how they are written.
enum ExpressionOperator: String, Sendable {
    case or, and, not
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in`, notIn = "not in"
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case negate = "unary -"

    var symbol: String {
        self == .negate ? "-" : rawValue
    }

    var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .not: return 3
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in, .notIn: return 4
        case .add, .subtract: return 5
        case .multiply, .divide, .remainder: return 6
        case .negate: return 7
        }
    }

    /// Comparisons do not chain: `a < b < c` is a parse error.
    var isComparison: Bool { precedence == 4 }

    /// A projection takes the rest of the path into its body, so a
    /// projection used as a base needs parentheses: `(a[*].b)[0]`.
    static let projectionPrecedence = 8
    static let postfixPrecedence = 9
    static let primaryPrecedence = 10
}
