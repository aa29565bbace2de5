import Foundation

/// A JSON value the API writes without a type of its own (error extras, the
/// plan inside a 409): encoded by `JSONEncoder` like everything else, so it is
/// always well-formed JSON whatever text it carries.
public indirect enum APIValue: Sendable, Codable, Hashable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([APIValue])
    case object([String: APIValue])

    /// `value` as the API encodes it, as a tree to put inside another answer (`.null` if it cannot be encoded).
    init(encoding value: some Encodable) {
        self = (try? JSONResponse.encoder.encode(value)).flatMap { try? JSONDecoder().decode(APIValue.self, from: $0) } ?? .null
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let number = try? container.decode(Int.self) { self = .int(number) }
        else if let number = try? container.decode(Double.self) { self = .double(number) }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let items = try? container.decode([APIValue].self) { self = .array(items) }
        else { self = .object(try container.decode([String: APIValue].self)) }
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
        }
    }
}
