extension Value {
    /// The type's name in expression error messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        case .duration: return "duration"
        }
    }

    /// Expression equality: values of different types are unequal, except
    /// that ints and floats compare as numbers, also inside lists and maps.
    func expressionEquals(_ other: Value) -> Bool {
        switch (self, other) {
        case let (.int(a), .double(b)), let (.double(b), .int(a)):
            return Value.exactlyEqual(a, b)
        case let (.list(a), .list(b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where !x.expressionEquals(y) { return false }
            return true
        case let (.map(a), .map(b)):
            guard a.count == b.count else { return false }
            for (key, x) in a {
                guard let y = b[key], x.expressionEquals(y) else { return false }
            }
            return true
        default:
            return self == other
        }
    }

    /// `a == b` without the rounding `Double(a)` would bring for large ints.
    private static func exactlyEqual(_ a: Int, _ b: Double) -> Bool {
        guard let whole = Int(exactly: b) else { return false }
        return whole == a
    }
}
