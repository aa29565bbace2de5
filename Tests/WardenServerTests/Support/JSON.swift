import Foundation

/// A JSON document as a test reads it: members and items by subscript, a
/// missing one `.missing` (so a chain of subscripts never crashes and an
/// expectation on it fails with what was there instead).
enum JSON: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
    /// Not in the document (or the body was not JSON).
    case missing

    /// The document in `data`; `.missing` when it is not JSON.
    init(data: Data) {
        self = (try? JSONDecoder().decode(Tree.self, from: data))?.json ?? .missing
    }

    subscript(_ key: String) -> JSON {
        if case let .object(members) = self { return members[key] ?? .missing }
        return .missing
    }

    subscript(_ index: Int) -> JSON {
        if case let .array(items) = self, items.indices.contains(index) { return items[index] }
        return .missing
    }

    var string: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    var int: Int? {
        if case let .number(number) = self, number.rounded() == number, abs(number) < 1e15 { return Int(number) }
        return nil
    }

    var double: Double? {
        if case let .number(number) = self { return number }
        return nil
    }

    var bool: Bool? {
        if case let .bool(flag) = self { return flag }
        return nil
    }

    /// The items of an array (empty for anything else).
    var items: [JSON] {
        if case let .array(items) = self { return items }
        return []
    }

    var members: [String: JSON]? {
        if case let .object(members) = self { return members }
        return nil
    }

    var isMissing: Bool { self == .missing }

    var description: String {
        switch self {
        case .null: "null"
        case let .bool(flag): String(flag)
        case let .number(number): String(number)
        case let .string(text): "\"\(text)\""
        case let .array(items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case let .object(members): "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        case .missing: "<missing>"
        }
    }

    /// Decodes any JSON value (booleans before numbers: JSONDecoder reads `true` as neither).
    private struct Tree: Decodable {
        let json: JSON

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { json = .null }
            else if let flag = try? container.decode(Bool.self) { json = .bool(flag) }
            else if let number = try? container.decode(Double.self) { json = .number(number) }
            else if let text = try? container.decode(String.self) { json = .string(text) }
            else if let items = try? container.decode([Tree].self) { json = .array(items.map(\.json)) }
            else { json = .object(try container.decode([String: Tree].self).mapValues(\.json)) }
        }
    }
}

/// JSON text for a request body, from literal-like values (`[String: Any]`, arrays, strings, numbers, booleans, NSNull).
func jsonText(_ value: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])) ?? Data("null".utf8)
    return String(decoding: data, as: UTF8.self)
}
