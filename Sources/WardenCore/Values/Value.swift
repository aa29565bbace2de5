import Yams

/// A free-form configuration value, such as the `vars` of an inventory or a
/// runbook, kept independent of the YAML library so nothing past the loaders
/// needs to know about Yams.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case map([String: Value])
    /// A length of time; never produced by YAML conversion (durations there
    /// stay text until a field asks for one), but by duration literals such
    /// as `30s` in expressions and by the engine (`elapsed`).
    case duration(Duration)
}

extension Value {
    /// The most YAML nodes one conversion will produce. YAML aliases let a
    /// few lines describe billions of nodes ("billion laughs"); past this
    /// bound the conversion fails instead of eating the machine.
    static let maximumNodeCount = 1_000_000

    /// Converts a Yams node, resolving scalars the way Yams does (YAML 1.1):
    /// `true`/`yes`/`on` are booleans, `42`/`0x2a` integers, `1.5`/`.inf`
    /// doubles, `~`/`null`/nothing is null, and quoted text stays a string.
    /// Other tags (timestamps, binary) stay strings, as written.
    ///
    /// Throws a `LocatedError` pointing into `file` for a mapping key that is
    /// not a scalar, a key that repeats once turned into text (`1` and `"1"`),
    /// a merge key (`<<`), or a value larger than `maximumNodeCount`.
    public init(yaml node: Node, file: String) throws(LocatedError) {
        var budget = Value.maximumNodeCount
        try self.init(yaml: node, file: file, budget: &budget)
    }

    /// Same as the public initializer, but draws on a budget shared by the
    /// caller so that many small conversions cannot add up to a huge one.
    init(yaml node: Node, file: String, budget: inout Int) throws(LocatedError) {
        budget -= 1
        guard budget >= 0 else {
            throw LocatedError(
                "value is too large: more than \(Value.maximumNodeCount) YAML nodes",
                at: YAMLDocument.location(of: node, file: file),
                hint: "is an alias expanding many times?")
        }
        switch node {
        case let .scalar(scalar):
            self = Value.resolve(scalar.string, tag: YAMLNodeInspection.tag(of: node))
        case let .sequence(sequence):
            var items: [Value] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                items.append(try Value(yaml: item, file: file, budget: &budget))
            }
            self = .list(items)
        case let .mapping(mapping):
            var entries: [String: Value] = [:]
            for (key, value) in mapping {
                let keyText = try Value.keyText(key, file: file)
                guard entries[keyText] == nil else {
                    throw LocatedError("duplicate key '\(keyText)'", at: YAMLDocument.location(of: key, file: file))
                }
                entries[keyText] = try Value(yaml: value, file: file, budget: &budget)
            }
            self = .map(entries)
        case .alias:
            // The parser replaces aliases by their targets; an alias left in
            // a node was built in code and has nothing to point at.
            throw LocatedError("unresolved YAML alias", at: YAMLDocument.location(of: node, file: file))
        }
    }

    private static func keyText(_ key: Node, file: String) throws(LocatedError) -> String {
        guard case let .scalar(scalar) = key else {
            throw LocatedError(
                "mapping keys must be plain values, got \(YAMLNodeInspection.describe(key))",
                at: YAMLDocument.location(of: key, file: file))
        }
        if YAMLNodeInspection.isMergeKey(key) {
            throw LocatedError(
                "YAML merge keys ('<<') are not supported",
                at: YAMLDocument.location(of: key, file: file),
                hint: "write the keys out, or share them through defaults and group vars")
        }
        return scalar.string
    }

    private static func resolve(_ text: String, tag: Tag.Name) -> Value {
        switch tag {
        case .null:
            return .null
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "on": return .bool(true)
            case "false", "no", "off": return .bool(false)
            default: return .string(text)
            }
        case .int:
            // An integer too large for Int keeps its text rather than
            // silently losing digits.
            return YAMLNodeInspection.integer(text).map(Value.int) ?? .string(text)
        case .float:
            return Value.double(text).map(Value.double) ?? .string(text)
        default:
            return .string(text)
        }
    }

    private static func double(_ text: String) -> Double? {
        let plain = text.replacingOccurrences(of: "_", with: "")
        switch plain.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        guard plain.contains(":") else { return Double(plain) }
        // Sexagesimal, YAML 1.1: 1:30.5 is 90.5.
        let negative = plain.hasPrefix("-")
        let body = plain.drop { $0 == "-" || $0 == "+" }
        var value = 0.0
        for part in body.split(separator: ":", omittingEmptySubsequences: false) {
            guard let digit = Double(part) else { return nil }
            value = value * 60 + digit
        }
        return negative ? -value : value
    }
}

extension Value: CustomStringConvertible {
    /// A compact, flow-style YAML-like rendering: strings as they are at the
    /// top, quoted inside lists and maps; map keys sorted so the text is
    /// stable.
    public var description: String {
        switch self {
        case let .string(text): return text
        default: return nested
        }
    }

    private var nested: String {
        switch self {
        case .null: return "null"
        case let .bool(flag): return flag ? "true" : "false"
        case let .int(number): return String(number)
        case let .double(number): return String(number)
        case let .string(text): return Value.quoted(text)
        case let .list(items): return "[" + items.map(\.nested).joined(separator: ", ") + "]"
        case let .map(entries):
            let body = entries.keys.sorted().map { key in
                "\(key): \(entries[key]?.nested ?? "null")"
            }
            return "{" + body.joined(separator: ", ") + "}"
        case let .duration(duration): return DurationText.format(duration)
        }
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
