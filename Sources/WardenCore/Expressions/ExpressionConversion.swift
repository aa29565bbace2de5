/// `int(x)`, `float(x)` and `str(x)`: the explicit conversions that the
/// strict operators ask for.
enum ExpressionConversion {
    static func convert(_ value: Value, to function: ExpressionFunction) throws(LocatedError) -> Value {
        switch function {
        case .int: return .int(try integer(value))
        case .float: return .double(try float(value))
        default: return .string(value.description)
        }
    }

    /// Ints stay; floats are truncated toward zero; strings are parsed
    /// (surrounding whitespace ignored, as command output ends in a newline).
    private static func integer(_ value: Value) throws(LocatedError) -> Int {
        switch value {
        case let .int(number):
            return number
        case let .double(number):
            guard number.isFinite, let whole = Int(exactly: number.rounded(.towardZero)) else {
                throw LocatedError("int() cannot convert \(number): out of range")
            }
            return whole
        case let .string(text):
            guard let number = Int(trimmed(text)) else {
                throw LocatedError("int() cannot convert \(ExpressionPrinter.literal(value)) to an int")
            }
            return number
        default:
            throw failure("int", value)
        }
    }

    private static func float(_ value: Value) throws(LocatedError) -> Double {
        switch value {
        case let .int(number):
            return Double(number)
        case let .double(number):
            return number
        case let .string(text):
            guard let number = Double(trimmed(text)), number.isFinite else {
                throw LocatedError("float() cannot convert \(ExpressionPrinter.literal(value)) to a float")
            }
            return number
        default:
            throw failure("float", value)
        }
    }

    private static func failure(_ name: String, _ value: Value) -> LocatedError {
        if case .duration = value {
            return LocatedError(
                "\(name)() cannot convert a duration", hint: "divide by a duration to get a number, like elapsed / 1s")
        }
        return LocatedError("\(name)() cannot convert \(ExpressionEvaluator.article(value.typeName))")
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let start = scalars.firstIndex { !$0.properties.isWhitespace } ?? scalars.endIndex
        let end = scalars.lastIndex { !$0.properties.isWhitespace }.map { scalars.index(after: $0) } ?? start
        return String(scalars[start..<end])
    }
}
