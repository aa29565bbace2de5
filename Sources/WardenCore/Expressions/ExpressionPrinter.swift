/// Writes an expression tree back as text, in one canonical spelling with
/// only the parentheses precedence needs: `a+b*(c)` reads `a + b * c`.
enum ExpressionPrinter {
    /// The text of `node`; `element` stands for the current element inside
    /// a projection body (empty when printing the whole expression).
    static func text(of node: ExpressionNode, element: String = "") -> String {
        printed(node, element: element).text
    }

    private static func printed(_ node: ExpressionNode, element: String) -> (text: String, precedence: Int) {
        switch node.kind {
        case let .literal(value):
            return (literal(value), ExpressionOperator.primaryPrecedence)
        case let .list(items):
            let body = items.map { text(of: $0, element: element) }.joined(separator: ", ")
            return ("[" + body + "]", ExpressionOperator.primaryPrecedence)
        case let .root(name):
            return (name, ExpressionOperator.primaryPrecedence)
        case .element:
            return (element, ExpressionOperator.primaryPrecedence)
        case let .member(base, name):
            // A number or duration glued to `.name` would read back as one token (`30s.in` is a
            // duration with a bad unit): such a base is parenthesized, `(30s).in`.
            var baseText = operand(base, atLeast: ExpressionOperator.postfixPrecedence, element: element)
            if case let .literal(value) = base.kind, value.isNumberOrDuration { baseText = "(" + baseText + ")" }
            return (baseText + "." + name, ExpressionOperator.postfixPrecedence)
        case let .index(base, index):
            let base = operand(base, atLeast: ExpressionOperator.postfixPrecedence, element: element)
            return (base + "[" + text(of: index, element: element) + "]", ExpressionOperator.postfixPrecedence)
        case let .projection(source, body):
            let source = operand(source, atLeast: ExpressionOperator.postfixPrecedence, element: element)
            return (source + "[*]" + text(of: body, element: ""), ExpressionOperator.projectionPrecedence)
        case let .unary(op, operand):
            let inner = self.operand(operand, atLeast: op.precedence, element: element)
            return ((op == .not ? "not " : "-") + inner, op.precedence)
        case let .binary(op, left, right):
            // Left-associative: the right operand needs parentheses at the
            // same precedence; comparisons do not chain, so both do.
            let leftText = operand(left, atLeast: op.isComparison ? op.precedence + 1 : op.precedence, element: element)
            let rightText = operand(right, atLeast: op.precedence + 1, element: element)
            return (leftText + " " + op.symbol + " " + rightText, op.precedence)
        case let .call(function, arguments):
            let body = arguments.map { text(of: $0, element: element) }.joined(separator: ", ")
            return (function.rawValue + "(" + body + ")", ExpressionOperator.primaryPrecedence)
        }
    }

    private static func operand(_ node: ExpressionNode, atLeast precedence: Int, element: String) -> String {
        let inner = printed(node, element: element)
        return inner.precedence >= precedence ? inner.text : "(" + inner.text + ")"
    }

    /// A literal as it would be written in an expression.
    static func literal(_ value: Value) -> String {
        switch value {
        case let .string(text):
            var result = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": result += "\\\""
                case "\\": result += "\\\\"
                case "\n": result += "\\n"
                case "\t": result += "\\t"
                default: result.unicodeScalars.append(scalar)
                }
            }
            return result + "\""
        case let .list(items):
            return "[" + items.map(literal).joined(separator: ", ") + "]"
        case let .double(number):
            return decimal(number)
        default:
            return value.description
        }
    }

    /// A double as the language writes one: digits and a point, never an exponent (which it
    /// lacks): `1e-05` is `0.00001`, `1e+20` is `100000000000000000000.0`. The digits are
    /// Swift's shortest that read back as the same double, so the text does too.
    static func decimal(_ number: Double) -> String {
        let text = String(number)
        guard number.isFinite, let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: e)...]) else {
            return text
        }
        var mantissa = text[..<e]
        let sign = mantissa.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { mantissa = mantissa.dropFirst() }
        let point = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
        let digits = Array(mantissa.filter { $0 != "." })
        let position = point + exponent
        let whole: String
        let fraction: String
        if position <= 0 {
            whole = "0"
            fraction = String(repeating: "0", count: -position) + String(digits)
        } else if position >= digits.count {
            whole = String(digits) + String(repeating: "0", count: position - digits.count)
            fraction = ""
        } else {
            whole = String(digits[..<position])
            fraction = String(digits[position...])
        }
        let trimmed = fraction.replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
        return sign + whole + "." + (trimmed.isEmpty ? "0" : trimmed)
    }
}

extension Value {
    /// An int, double or duration: a value whose literal is a number.
    fileprivate var isNumberOrDuration: Bool {
        switch self {
        case .int, .double, .duration: return true
        default: return false
        }
    }
}
