import Foundation

/// JSON in and out: `parse: json` reads command output into values, and
/// `warden parse` and `--output json` print them.
extension Value: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .int(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([Value].self) {
            self = .list(items)
        } else {
            self = .map(try container.decode([String: Value].self))
        }
    }

    /// Durations are written as their text (`1m30s`); non-finite numbers, which JSON lacks, as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(flag): try container.encode(flag)
        case let .int(number): try container.encode(number)
        case let .double(number): if number.isFinite { try container.encode(number) } else { try container.encodeNil() }
        case let .string(text): try container.encode(text)
        case let .list(items): try container.encode(items)
        case let .map(entries): try container.encode(entries)
        case let .duration(duration): try container.encode(DurationText.format(duration))
        }
    }

    /// JSON with sorted keys, pretty-printed unless `pretty` is false (one line).
    public func jsonText(pretty: Bool = true) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
