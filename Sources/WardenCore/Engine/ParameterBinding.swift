/// Turns the parameter values an operator gave (`-p key=value`, a params
/// file) into typed values for every scope of a runbook, checking them all
/// before anything runs. Problems name the parameter and what was expected,
/// and never echo a secret's value.
public struct ParameterBinding: Sendable {
    /// Parameter values per scope (`Runbook.scopes` index).
    public let values: [Int: [String: Value]]
    /// Every secret value, as text, for redaction.
    public let secrets: [String]
    /// The same texts per secret parameter (an included runbook's named
    /// `<include step>.<name>`), to say which secret a masked text equals.
    let secretsByName: [String: [String]]

    /// `given` are `-p` values (text, converted to each type); `file` values
    /// come from a params file (typed by YAML). `-p` wins over the file.
    public static func bind(
        _ runbook: Runbook, given: [(name: String, text: String)], file: [String: Value] = [:], fileName: String? = nil
    ) throws(BindingErrors) -> ParameterBinding {
        var problems: [String] = []
        var rootValues: [String: Value] = [:]
        let specs = runbook.parameters
        let names = specs.map(\.name)
        func unknown(_ name: String, source: String) {
            let hint = NameSuggestion.hint(for: name, among: names).map { "; \($0)" }
                ?? (names.isEmpty ? "; the runbook takes no parameters" : "; its parameters: \(names.joined(separator: ", "))")
            problems.append("\(source): the runbook has no parameter '\(name)'\(hint)")
        }
        for (name, value) in file.sorted(by: { $0.key < $1.key }) {
            guard let spec = specs.first(where: { $0.name == name }) else {
                unknown(name, source: fileName ?? "params file")
                continue
            }
            switch spec.type.value(from: value) {
            case let .success(typed): rootValues[name] = typed
            case let .failure(problem):
                problems.append("\(fileName ?? "params file"): parameter '\(name)' must be \(problem.expectation), got \(shown(value, secret: spec.secret))")
            }
        }
        var seen: Set<String> = []
        for (name, text) in given {
            guard let spec = specs.first(where: { $0.name == name }) else {
                unknown(name, source: "-p \(name)")
                continue
            }
            if !seen.insert(name).inserted {
                problems.append("-p \(name) is given more than once")
                continue
            }
            switch spec.type.value(fromText: text) {
            case let .success(typed): rootValues[name] = typed
            case let .failure(problem):
                // Shown on one line: a line break in the value must not start a line that reads as another message.
                problems.append("-p \(name): must be \(problem.expectation), got \(spec.secret ? "a value that is not (not shown: secret)" : "'\(VisibleText.line(text))'")")
            }
        }
        for spec in specs where rootValues[spec.name] == nil {
            if let value = spec.defaultValue {
                rootValues[spec.name] = value
            } else if spec.required {
                let doc = spec.doc.map { " (\($0))" } ?? ""
                problems.append("missing required parameter '\(spec.name)'\(doc): \(UnboundParameters.howToGive(spec.name, secret: spec.secret))")
            } else {
                rootValues[spec.name] = .null
            }
        }
        guard problems.isEmpty else { throw BindingErrors(problems) }

        var values: [Int: [String: Value]] = [0: rootValues]
        for scope in runbook.scopes.dropFirst() {
            values[scope.index] = try bindIncluded(scope, parentValues: values[scope.parent ?? 0] ?? [:])
        }
        var secrets: [String] = []
        var secretsByName: [String: [String]] = [:]
        for scope in runbook.scopes {
            for spec in scope.parameters where spec.secret {
                let texts = secretTexts(values[scope.index]?[spec.name] ?? .null)
                secrets += texts
                if !texts.isEmpty { secretsByName[scope.prefix + spec.name, default: []] += texts }
            }
        }
        return ParameterBinding(values: values, secrets: secrets, secretsByName: secretsByName)
    }

    private static func bindIncluded(_ scope: RunbookScope, parentValues: [String: Value]) throws(BindingErrors) -> [String: Value] {
        let environment = ExpressionEnvironment(variables: ["params": .map(parentValues)])
        var result: [String: Value] = [:]
        var problems: [String] = []
        let place = scope.origin.place
        for spec in scope.parameters {
            guard let argument = scope.arguments[spec.name] else {
                if let value = spec.defaultValue {
                    result[spec.name] = value
                } else if spec.required {
                    problems.append("\(place): missing required parameter '\(spec.name)'")
                } else {
                    result[spec.name] = .null
                }
                continue
            }
            let value: Value
            do {
                switch argument {
                case let .literal(literal): value = literal
                case let .expression(expression): value = try expression.evaluate(in: environment)
                case let .text(template): value = .string(try template.renderText(in: environment))
                }
            } catch {
                problems.append("\(place): parameter '\(spec.name)': \(error.description)")
                continue
            }
            switch spec.type.value(from: value) {
            case let .success(typed): result[spec.name] = typed
            case let .failure(problem):
                problems.append("\(place): parameter '\(spec.name)' must be \(problem.expectation), got \(shown(value, secret: spec.secret))")
            }
        }
        guard problems.isEmpty else { throw BindingErrors(problems) }
        return result
    }

    private static func shown(_ value: Value, secret: Bool) -> String {
        secret ? "a \(value.typeName) (not shown: secret)" : "\(value.typeName) '\(VisibleText.line(value.description))'"
    }

    private static func secretTexts(_ value: Value) -> [String] {
        switch value {
        case .null: return []
        case let .list(items): return items.flatMap(secretTexts)
        case let .string(text): return text.isEmpty ? [] : [text]
        default: return [value.description]
        }
    }
}

/// Every problem with the parameters given, in one error, so one attempt
/// shows them all.
public struct BindingErrors: Error, Sendable, CustomStringConvertible {
    let problems: [String]

    public init(_ problems: [String]) {
        self.problems = problems
    }

    public var description: String { problems.joined(separator: "\n") }
}
