import Foundation

/// A JSON value as decoded, before its shape is checked: the delivery decoder
/// walks it by hand so that every problem names its JSON path, and so that
/// unknown keys are ignored without a Codable type per Alertmanager release.
///
/// Booleans and numbers are told apart (JSONDecoder refuses a number as a
/// Bool and the reverse), which JSONSerialization's NSNumber would blur.
enum AlertJSON: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AlertJSON])
    case object([String: AlertJSON])

    init(from decoder: any Decoder) throws {
        if var items = try? decoder.unkeyedContainer() {
            var values: [AlertJSON] = []
            while !items.isAtEnd { values.append(try items.decode(AlertJSON.self)) }
            self = .array(values)
            return
        }
        if let keyed = try? decoder.container(keyedBy: Key.self) {
            var values: [String: AlertJSON] = [:]
            for key in keyed.allKeys { values[key.stringValue] = try keyed.decode(AlertJSON.self, forKey: key) }
            self = .object(values)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? single.decode(Double.self) {
            self = .number(number)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// What a message calls this kind of value.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
