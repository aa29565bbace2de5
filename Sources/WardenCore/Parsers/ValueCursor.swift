/// A position inside decoded JSON that may not exist. Status documents
/// differ between versions (any field "can be missing at any time", says
/// the FoundationDB manual) and between numbers written as `0` and `0.5`,
/// so parsers read them through this instead of a fixed Codable model.
struct ValueCursor {
    /// nil when the path does not exist; JSON `null` reads as missing too.
    let value: Value?

    init(_ value: Value?) {
        if case .null = value { self.value = nil } else { self.value = value }
    }

    subscript(key: String) -> ValueCursor {
        guard case let .map(entries) = value else { return ValueCursor(nil) }
        return ValueCursor(entries[key])
    }

    /// The value as it is, or `.null` when missing: what a parser hands on
    /// for a field it does not interpret.
    var orNull: Value { value ?? .null }

    var number: Double? {
        switch value {
        case let .int(number): return Double(number)
        case let .double(number): return number
        default: return nil
        }
    }

    var integer: Int? {
        switch value {
        case let .int(number): return number
        case let .double(number): return Int(exactly: number)
        default: return nil
        }
    }

    var bool: Bool? {
        if case let .bool(flag) = value { return flag }
        return nil
    }

    var string: String? {
        if case let .string(text) = value { return text }
        return nil
    }

    var map: [String: Value]? {
        if case let .map(entries) = value { return entries }
        return nil
    }

    var list: [Value]? {
        if case let .list(items) = value { return items }
        return nil
    }
}
