import Yams

/// `params:` — each parameter's type, default and flags.
extension RunbookLoader {
    static let parameterKeys = ["type", "required", "default", "doc", "secret", "values"]

    mutating func readParameters(_ node: Node) -> [ParameterSpec] {
        if YAMLNodeInspection.isNull(node) { return [] }
        guard case .mapping = node else {
            report("params must be a mapping of parameter names to their types, got \(YAMLNodeInspection.describe(node))", at: node,
                   hint: "e.g. params: {meta_list: {type: string, required: true}}")
            return []
        }
        var result: [ParameterSpec] = []
        for entry in entries(of: node, context: "in params") {
            guard let name = identifier(entry.key, kind: "parameter name") else { continue }
            if let spec = readParameter(name: name, entry.value, at: entry.key) {
                result.append(spec)
            }
        }
        return result
    }

    private mutating func readParameter(name: String, _ node: Node, at keyNode: Node) -> ParameterSpec? {
        // `max_qps: int` is short for `max_qps: {type: int}`.
        if case .scalar = node, !YAMLNodeInspection.isNull(node) {
            guard let type = parameterType(node, values: nil) else { return nil }
            return ParameterSpec(name: name, location: location(of: keyNode), type: type, required: false,
                                 defaultValue: nil, doc: nil, secret: false)
        }
        guard case .mapping = node else {
            report("parameter '\(name)' must be a type name or a mapping with 'type', got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
        let keys = knownEntries(of: node, allowed: RunbookLoader.parameterKeys, context: "in parameter '\(name)'")
        guard let typeEntry = keys["type"] else {
            report("parameter '\(name)' needs a type (\(ParameterType.names.joined(separator: ", ")))", at: keyNode)
            return nil
        }
        guard let type = parameterType(typeEntry.value, values: keys["values"]?.value) else { return nil }
        if let values = keys["values"], type.allowedWords == nil {
            report("values only apply to 'type: enum'", at: values.key)
        }
        let required = keys["required"].flatMap { bool($0.value, key: "required") } ?? false
        let secret = keys["secret"].flatMap { bool($0.value, key: "secret") } ?? false
        let doc = keys["doc"].flatMap { text($0.value, key: "doc") }
        var defaultValue: Value?
        if let entry = keys["default"] {
            if required {
                report("parameter '\(name)' is required, so its default would never be used", at: entry.key,
                       hint: "drop 'required: true' or the default")
            }
            if secret {
                report("secret parameter '\(name)' must not have a default: it would sit in the runbook in clear", at: entry.key,
                       hint: "pass it with --params FILE or from the environment")
            }
            defaultValue = parameterDefault(entry.value, type: type, name: name)
        }
        return ParameterSpec(name: name, location: location(of: keyNode), type: type, required: required,
                             defaultValue: defaultValue, doc: doc, secret: secret)
    }

    private mutating func parameterType(_ node: Node, values: Node?) -> ParameterType? {
        guard let name = text(node, key: "type") else { return nil }
        switch name {
        case "string": return .string
        case "int": return .int
        case "number": return .number
        case "bool": return .bool
        case "duration": return .duration
        case "list": return .list
        case "enum":
            guard let values else {
                report("type enum needs 'values', the words it may take", at: node, hint: "e.g. values: [steady, lively]")
                return nil
            }
            let words = textList(values, key: "values").map(\.0)
            guard !words.isEmpty else {
                report("values must list at least one word", at: values)
                return nil
            }
            return .oneOf(words)
        default:
            report("unknown parameter type '\(name)'", at: node,
                   hint: NameSuggestion.hint(for: name, among: ParameterType.names)
                       ?? "types: \(ParameterType.names.joined(separator: ", "))")
            return nil
        }
    }

    private mutating func parameterDefault(_ node: Node, type: ParameterType, name: String) -> Value? {
        guard let value = literalValue(node) else { return nil }
        switch type.value(from: value) {
        case let .success(converted):
            return converted
        case let .failure(problem):
            report("default of '\(name)' must be \(problem.expectation), got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
    }
}
