/// How values of each parameter type are read: from command-line text
/// (`-p max_qps=2000`) and from YAML values (defaults, params files, include
/// arguments). Failures say what was expected, never echoing the value of
/// a secret (the caller decides whether to show it).
extension ParameterType {
    /// Reads `-p name=text`.
    public func value(fromText text: String) -> Result<Value, ParameterValueProblem> {
        switch self {
        case .string:
            return .success(.string(text))
        case .int:
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else { return .failure(.expected("an integer")) }
            return .success(.int(number))
        case .number:
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
                return .failure(.expected("a number"))
            }
            return .success(.double(number))
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .success(.bool(true))
            case "false", "no", "off", "0": return .success(.bool(false))
            default: return .failure(.expected("true or false"))
            }
        case .duration:
            do {
                return .success(.duration(try DurationText.parse(text)))
            } catch {
                return .failure(.expected("a duration like '30s'"))
            }
        case .list:
            let items = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !items.contains(where: \.isEmpty) else { return .failure(.expected("a comma-separated list without empty items")) }
            return .success(.list(text.isEmpty ? [] : items.map(Value.string)))
        case let .oneOf(words):
            guard words.contains(text) else { return .failure(.expected(description)) }
            return .success(.string(text))
        }
    }

    /// Checks a YAML value (already typed by YAML: `2000` is an int, `"2000"`
    /// text) and converts where the meaning is clear: an int is a fine
    /// number, `30s` a fine duration.
    public func value(from value: Value) -> Result<Value, ParameterValueProblem> {
        switch (self, value) {
        case (.string, .string), (.int, .int), (.number, .double), (.bool, .bool), (.duration, .duration):
            return .success(value)
        case let (.number, .int(number)):
            return .success(.double(Double(number)))
        case let (.duration, .string(text)):
            return self.value(fromText: text)
        case let (.list, .list(items)):
            guard items.allSatisfy({ if case .string = $0 { return true } else { return false } }) else {
                return .failure(.expected("a list of texts"))
            }
            return .success(value)
        case let (.oneOf(words), .string(text)):
            return words.contains(text) ? .success(value) : .failure(.expected(description))
        default:
            return .failure(.expected(expectation))
        }
    }

    private var expectation: String {
        switch self {
        case .string: return "text"
        case .int: return "an integer"
        case .number: return "a number"
        case .bool: return "true or false"
        case .duration: return "a duration like '30s'"
        case .list: return "a list of texts"
        case .oneOf: return description
        }
    }

    /// A value of the type for checking expressions before any real value is
    /// known: close to what an operator would pass, never zero (so that
    /// division does not fail where a real value would not).
    var placeholder: Value {
        switch self {
        case .string: return .string("x")
        case .int: return .int(1)
        case .number: return .double(1.5)
        case .bool: return .bool(true)
        case .duration: return .duration(.seconds(1))
        case .list: return .list([.string("x")])
        case let .oneOf(words): return .string(words.first ?? "x")
        }
    }
}

/// Why a value does not fit a parameter's type.
public enum ParameterValueProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case expected(String)

    /// What the value must be: `an integer`, `a duration like '30s'`.
    public var expectation: String {
        switch self {
        case let .expected(text): return text
        }
    }

    /// `must be an integer`: how messages name the problem after the parameter.
    public var description: String { "must be \(expectation)" }
}
