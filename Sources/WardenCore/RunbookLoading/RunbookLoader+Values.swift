import Yams

/// Readers for single values. Each returns nil after reporting when the
/// value is unusable, so reading goes on and finds the next problem too.
extension RunbookLoader {
    /// Text of any non-null scalar: `run: 42` is the command "42".
    mutating func text(_ node: Node, key: String) -> String? {
        guard case let .scalar(scalar) = node, !YAMLNodeInspection.isNull(node) else {
            report("\(key) must be text, got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
        return scalar.string
    }

    /// Where a scalar's text really starts: after the opening quote, or on
    /// the line after a `|` or `>` block indicator, so that errors inside
    /// expressions and templates point at the right character.
    func contentStart(of node: Node) -> SourceLocation {
        let start = location(of: node)
        guard case let .scalar(scalar) = node else { return start }
        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            return SourceLocation(file: start.file, line: start.line, column: start.column + 1)
        case .literal, .folded:
            var lineIndex = start.line // the next line, 0-based
            while lineIndex < lines.count {
                let line = lines[lineIndex]
                if !line.allSatisfy(\.properties.isWhitespace) {
                    let indent = line.prefix { $0 == " " }.count
                    return SourceLocation(file: start.file, line: lineIndex + 1, column: indent + 1)
                }
                lineIndex += 1
            }
            return start
        default:
            return start
        }
    }

    /// Where each character of a scalar's text is in the file (`YAMLScalarSourceMap`),
    /// or, where that cannot be worked out, where its text starts.
    func placement(of node: Node) -> SourcePlacement {
        if case let .scalar(scalar) = node, let locations = YAMLScalarSourceMap.locations(of: scalar, lines: lines, file: file) {
            return .mapped(locations)
        }
        return .flowing(from: contentStart(of: node))
    }

    mutating func expression(_ node: Node, key: String) -> Expression? {
        guard let text = text(node, key: key) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}") {
            // Show the fix itself: a generic example could name something
            // this key cannot read (`when` never sees `result`).
            let inner = trimmed.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces)
            let hint = inner.isEmpty || inner.contains("{{") || inner.contains("\n") ? "e.g. \(key): params.mode == \"fast\"" : "write \(key): \(inner)"
            report("\(key) is an expression; write it without '{{ }}'", at: contentStart(of: node), hint: hint)
            return nil
        }
        do {
            return try Expression.parse(text, placedAt: placement(of: node))
        } catch {
            report(LocatedError("\(key): \(error.message)", at: error.location, hint: error.hint))
            return nil
        }
    }

    mutating func template(_ node: Node, key: String) -> Template? {
        guard let text = text(node, key: key) else { return nil }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            report("\(key) must not be empty", at: node)
            return nil
        }
        do {
            return try Template.parse(text, placedAt: placement(of: node))
        } catch {
            report(LocatedError("\(key): \(error.message)", at: error.location, hint: error.hint))
            return nil
        }
    }

    /// A duration such as `30s` or `1h30m`, more than zero.
    mutating func duration(_ node: Node, key: String) -> Duration? {
        guard case let .scalar(scalar) = node, !YAMLNodeInspection.isNull(node) else {
            report("\(key) must be a duration like '30s', got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
        if let parameter = Self.lonelyParameter(scalar.string) {
            return durationParameter(parameter, key: key, node: node)
        }
        do {
            let duration = try DurationText.parse(scalar.string)
            guard duration > .zero else {
                report("\(key) must be more than zero, got '\(scalar.string)'", at: node)
                return nil
            }
            return duration
        } catch {
            // A bare number is the common slip; say exactly what to write
            // instead of repeating the general advice.
            if YAMLNodeInspection.tag(of: node) == .int {
                report("\(key): duration '\(scalar.string)' has no unit", at: node,
                       hint: "write '\(scalar.string)s' for seconds (or use ms, m, h)")
            } else {
                report(LocatedError("\(key): \(error.message)", at: location(of: node), hint: error.hint))
            }
            return nil
        }
    }

    /// `{{ params.NAME }}` alone: NAME; nil for anything else.
    static func lonelyParameter(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}") else { return nil }
        let inner = trimmed.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces)
        guard inner.hasPrefix("params.") else { return nil }
        let name = String(inner.dropFirst("params.".count))
        return !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } ? name : nil
    }

    /// A duration read from a declared duration parameter of this scope; a
    /// stand-in of one hour until the value is bound (checks that compare
    /// durations see a plausible one).
    private mutating func durationParameter(_ name: String, key: String, node: Node) -> Duration? {
        guard pendingDurations != nil else {
            report("\(key) cannot read a parameter here; write a duration like '30s'", at: node)
            return nil
        }
        let declared = scopes.indices.contains(scope) ? scopes[scope].parameters.first { $0.name == name } : nil
        guard let declared else {
            report("\(key) reads params.\(name), which is not declared", at: node,
                   hint: "declare it: params: {\(name): {type: duration, default: 30s}}")
            return nil
        }
        guard declared.type == .duration else {
            report("\(key) reads params.\(name), a \(declared.type); it must be a duration parameter", at: node)
            return nil
        }
        let place = location(of: node)
        pendingDurations?.append((key, name, place))
        return .seconds(3600)
    }

    /// A YAML integer in `range`.
    mutating func integer(_ node: Node, key: String, in range: ClosedRange<Int>) -> Int? {
        if let number = YAMLNodeInspection.integer(node, in: range) { return number }
        let bounds = range.upperBound == Int.max ? "\(range.lowerBound) or more" : "\(range.lowerBound)...\(range.upperBound)"
        report("\(key) must be an integer, \(bounds), got \(YAMLNodeInspection.describe(node))", at: node)
        return nil
    }

    mutating func bool(_ node: Node, key: String) -> Bool? {
        if let flag = YAMLNodeInspection.bool(node) { return flag }
        report("\(key) must be true or false, got \(YAMLNodeInspection.describe(node))", at: node)
        return nil
    }

    /// A name expressions can read as `steps.<id>`, `params.<name>`...:
    /// letters, digits and '_', not starting with a digit.
    mutating func identifier(_ node: Node, kind: String) -> String? {
        guard case let .scalar(scalar) = node, !YAMLNodeInspection.isNull(node) else {
            report("\(kind) must be a name, got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
        let name = scalar.string
        if let problem = RunbookLoader.identifierProblem(name, kind: kind) {
            var hint: String?
            if name.contains("-") {
                let fixed = name.replacingOccurrences(of: "-", with: "_")
                // Say how expressions read the name only where they do: a
                // target is named by `on:`, never read by an expression.
                let roots = ["step id": "steps", "parameter name": "params", "probe name": "probes"]
                hint = roots[kind].map { "use '_' instead of '-': expressions read it as \($0).\(fixed)" } ?? "use '_' instead of '-', as in '\(fixed)'"
            }
            report(problem, at: node, hint: hint)
            return nil
        }
        return name
    }

    static func identifierProblem(_ name: String, kind: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        let valid = !scalars.isEmpty && scalars.count <= 64
            && scalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
            && !("0"..."9").contains(scalars[0])
        guard valid else {
            return "invalid \(kind) '\(name.count > 64 ? String(name.prefix(64)) + "..." : name)'; use letters, digits and '_' (not starting with a digit, at most 64)"
        }
        return nil
    }

    /// `serial: 2` or `serial: 25%`.
    mutating func batchSize(_ node: Node, key: String, allowZero: Bool) -> BatchSize? {
        if case let .scalar(scalar) = node {
            let text = scalar.string.trimmingCharacters(in: .whitespaces)
            if YAMLNodeInspection.tag(of: node) == .int, let count = YAMLNodeInspection.integer(text), count >= (allowZero ? 0 : 1) {
                return .count(count)
            }
            if text.hasSuffix("%"), let percent = Int(text.dropLast()), (1...100).contains(percent) {
                return .percent(percent)
            }
        }
        report("\(key) must be a number of hosts (\(allowZero ? "0" : "1") or more) or a share like '25%', got \(YAMLNodeInspection.describe(node))", at: node)
        return nil
    }

    /// `parse: table`, with `pattern:` for the regex parser.
    mutating func parser(_ node: Node, pattern patternNode: Node?) -> ParserSpec? {
        guard let name = text(node, key: "parse") else { return nil }
        var pattern: String?
        if let patternNode {
            pattern = text(patternNode, key: "pattern")
            if name != "regex" {
                report("pattern only applies to 'parse: regex'", at: patternNode)
            }
        }
        // Named here rather than by the parser registry's message, so the
        // complaint says which name is wrong.
        guard OutputParsers.names.contains(name) else {
            report("unknown parser '\(name)'", at: node,
                   hint: NameSuggestion.hint(for: name, among: OutputParsers.names)
                       ?? "parsers: \(OutputParsers.names.joined(separator: ", "))")
            return ParserSpec(name: name, pattern: pattern, parser: StandInOutputParser(name: name))
        }
        do {
            let parser = try OutputParsers.named(name, pattern: pattern)
            return ParserSpec(name: name, pattern: pattern, parser: parser)
        } catch {
            report("parse: \(error.message)", at: name == "regex" ? (patternNode ?? node) : node)
            return ParserSpec(name: name, pattern: pattern, parser: StandInOutputParser(name: name))
        }
    }

    /// A literal value (a default, an include argument), drawn from the
    /// budget all literal values share. When the budget runs out inside an
    /// alias, the node being counted is the anchor's, far above: point at
    /// the value being read instead.
    mutating func literalValue(_ node: Node) -> Value? {
        do {
            return try Value(yaml: node, file: file, budget: &valueBudget)
        } catch {
            let start = location(of: node)
            if let at = error.location, at < start {
                report(LocatedError(error.message, at: start, hint: error.hint))
            } else {
                report(error)
            }
            return nil
        }
    }

    /// One text or a list of texts.
    mutating func textList(_ node: Node, key: String) -> [(String, Node)] {
        switch node {
        case .scalar where !YAMLNodeInspection.isNull(node):
            return text(node, key: key).map { [($0, node)] } ?? []
        case let .sequence(items):
            return items.compactMap { item in text(item, key: "each entry of \(key)").map { ($0, item) } }
        default:
            report("\(key) must be text or a list of texts, got \(YAMLNodeInspection.describe(node))", at: node)
            return []
        }
    }
}
