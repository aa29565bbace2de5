/// A parameter a runbook declares: its type, whether it must be given, its
/// default, and whether it is a secret (never printed, logged or stored in
/// clear).
public struct ParameterSpec: Sendable {
    public let name: String
    public let location: SourceLocation
    public let type: ParameterType
    public let required: Bool
    /// Already checked against `type`.
    let defaultValue: Value?
    public let doc: String?
    public let secret: Bool
}

/// The types a parameter can have. Values given on the command line are text
/// and are converted to the type; values from a params file or a default must
/// already have it (a YAML `2000` is an int, `"2000"` is not).
public enum ParameterType: Sendable, Hashable, CustomStringConvertible {
    case string
    case int
    case number
    case bool
    case duration
    /// A list of strings (`-p hosts=a,b,c` or a YAML list).
    case list
    /// One of the given words.
    case oneOf([String])

    /// The words of an enum; nil for other types.
    var allowedWords: [String]? {
        if case let .oneOf(words) = self { return words }
        return nil
    }

    public static let names = ["string", "int", "number", "bool", "duration", "list", "enum"]

    public var description: String {
        switch self {
        case .string: return "string"
        case .int: return "int"
        case .number: return "number"
        case .bool: return "bool"
        case .duration: return "duration"
        case .list: return "list"
        case let .oneOf(values): return "one of " + values.map { "'\($0)'" }.joined(separator: ", ")
        }
    }
}
