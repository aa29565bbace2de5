import Foundation

/// A JSON value the API writes without a type of its own (error extras, the
/// plan inside a 409): encoded by `JSONEncoder` like everything else, so it is
/// always well-formed JSON whatever text it carries.
public indirect enum APIValue: Sendable, Encodable, Hashable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([APIValue])
    case object([String: APIValue])
    /// Already-encoded JSON of another Encodable (a plan, a report), kept as raw bytes.
    case encoded(Data)

    /// `value` encoded as the API encodes everything (`.null` if it cannot be).
    init(encoding value: some Encodable) {
        self = (try? JSONResponse.encoder.encode(value)).map(APIValue.encoded) ?? .null
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(text): try container.encode(text)
        case let .int(number): try container.encode(number)
        case let .double(number): try container.encode(number)
        case let .bool(flag): try container.encode(flag)
        case .null: try container.encodeNil()
        case let .array(items): try container.encode(items)
        case let .object(members): try container.encode(members)
        case let .encoded(data): try container.encode(RawJSON(data: data))
        }
    }
}

/// Raw JSON bytes re-read as a tree so they can sit inside another encoded value.
private struct RawJSON: Encodable {
    let data: Data

    func encode(to encoder: any Encoder) throws {
        let tree = try JSONDecoder().decode(JSONTree.self, from: data)
        try tree.encode(to: encoder)
    }
}

/// Any JSON document, decoded and encoded again unchanged.
indirect enum JSONTree: Codable, Sendable, Hashable {
    case string(String), number(Double), integer(Int), bool(Bool), null, array([JSONTree]), object([String: JSONTree])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let number = try? container.decode(Int.self) { self = .integer(number) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let items = try? container.decode([JSONTree].self) { self = .array(items) }
        else { self = .object(try container.decode([String: JSONTree].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(text): try container.encode(text)
        case let .number(number): try container.encode(number)
        case let .integer(number): try container.encode(number)
        case let .bool(flag): try container.encode(flag)
        case .null: try container.encodeNil()
        case let .array(items): try container.encode(items)
        case let .object(members): try container.encode(members)
        }
    }
}
