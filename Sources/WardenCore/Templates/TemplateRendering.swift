/// How a hole's value becomes text in a command line.
enum TemplateRendering {
    /// Scalars become one word; a list becomes one word per element. Null and
    /// maps are errors: a command built from a missing value is not what
    /// anyone meant.
    static func words(of value: Value, for expression: Expression, raw: Bool) throws(LocatedError) -> String {
        switch value {
        case let .list(items):
            var words: [String] = []
            for item in items {
                if case .list = item {
                    throw LocatedError("'\(expression.description)' is a list of lists; a command takes words", at: expression.location)
                }
                words.append(try word(of: item, for: expression, raw: raw))
            }
            return words.joined(separator: " ")
        default:
            return try word(of: value, for: expression, raw: raw)
        }
    }

    /// What a `secret_file` hole's file holds: the value's text exactly, no
    /// newline added. One value only: a list or map would need several files
    /// and a null an empty one, neither of which anyone meant.
    static func fileContent(of value: Value, for expression: Expression) throws(LocatedError) -> String {
        switch value {
        case .list, .map:
            throw LocatedError("'\(expression.description)' is a \(value.typeName); secret_file writes one value to one file",
                               at: expression.location, hint: "pick one element, e.g. \(expression.description)[0]")
        default:
            return try word(of: value, for: expression, raw: true)
        }
    }

    private static func word(of value: Value, for expression: Expression, raw: Bool) throws(LocatedError) -> String {
        let text: String
        switch value {
        case let .string(string): text = string
        case let .int(number): text = String(number)
        case let .double(number): text = String(number)
        case let .bool(flag): text = flag ? "true" : "false"
        case let .duration(duration): text = DurationText.format(duration)
        case .null:
            throw LocatedError("'\(expression.description)' is null; a command would get an empty word",
                               at: expression.location, hint: "give the parameter a value or a default")
        case .map:
            throw LocatedError("'\(expression.description)' is a map; a command takes words",
                               at: expression.location, hint: "pick one field, e.g. \(expression.description).name")
        case .list:
            throw LocatedError("'\(expression.description)' is a list inside a list; a command takes words", at: expression.location)
        }
        return raw ? text : ShellQuoting.quote(text)
    }
}
