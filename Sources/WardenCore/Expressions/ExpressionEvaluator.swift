/// Evaluates a parsed expression against an environment: paths, operators
/// and functions, counting steps against the environment's budget.
final class ExpressionEvaluator {
    let source: ExpressionSource
    let environment: ExpressionEnvironment
    private var steps = 0
    /// The current element of each projection being evaluated, innermost
    /// last, with the text that stands for it in messages (`result.tables[*]`).
    private var elements: [(value: Value, name: String)] = []

    init(source: ExpressionSource, environment: ExpressionEnvironment) {
        self.source = source
        self.environment = environment
    }

    /// Counts `count` steps of work; past the budget, evaluation stops.
    func charge(_ count: Int, at offset: Int) throws(LocatedError) {
        steps += count
        guard steps <= environment.stepBudget else {
            throw source.error(
                "expression is too expensive: it needs more than \(environment.stepBudget) evaluation steps",
                at: offset, hint: "work on smaller lists")
        }
    }

    /// Runs `body`, giving errors without a location the one at `offset`.
    func located<T>(_ offset: Int, _ body: () throws(LocatedError) -> T) throws(LocatedError) -> T {
        do {
            return try body()
        } catch {
            var located = error
            if located.location == nil {
                located.location = source.location(at: offset)
            }
            throw located
        }
    }

    /// How `node` reads in a message, with the current projection element
    /// written out.
    func describe(_ node: ExpressionNode) -> String {
        ExpressionPrinter.text(of: node, element: elements.last?.name ?? "")
    }

    func evaluate(_ node: ExpressionNode) throws(LocatedError) -> Value {
        try charge(1, at: node.offset)
        switch node.kind {
        case let .literal(value):
            return value
        case let .list(items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items {
                values.append(try evaluate(item))
            }
            return .list(values)
        case let .root(name):
            return try root(name, at: node.offset)
        case .element:
            return elements.last?.value ?? .null
        case let .member(base, name):
            return try member(name, of: try evaluate(base), base: base, at: node.offset)
        case let .index(base, index):
            let container = try evaluate(base)
            return try element(try evaluate(index), of: container, base: base, at: node.offset)
        case let .projection(base, body):
            return try projection(of: try evaluate(base), base: base, body: body, at: node.offset)
        case let .unary(op, operand):
            return try unary(op, try evaluate(operand), at: node.offset)
        case let .binary(op, left, right):
            return try binary(op, left, right, at: node.offset)
        case let .call(function, arguments):
            return try call(function, arguments, at: node.offset)
        }
    }

    // MARK: - Paths

    private func root(_ name: String, at offset: Int) throws(LocatedError) -> Value {
        if let value = environment.variables[name] { return value }
        let names = environment.variables.keys.sorted()
        let list = "(names: \(Self.listing(names)))"
        let hint = NameSuggestion.hint(for: name, among: names).map { "\($0) \(list)" }
            ?? (names.isEmpty ? "no names are defined here" : String(list.dropFirst().dropLast()))
        throw source.error("unknown name '\(name)'", at: offset, hint: hint)
    }

    private func member(_ name: String, of value: Value, base: ExpressionNode, at offset: Int) throws(LocatedError) -> Value {
        switch value {
        case let .map(entries):
            if let found = entries[name] { return found }
            throw missing("field", name, in: entries, base: base, at: offset)
        case .null:
            throw source.error("\(describe(base)) is null, so it has no field '\(name)'", at: offset)
        default:
            throw source.error(
                "\(describe(base)) is \(Self.article(value.typeName)), not a map, so it has no field '\(name)'", at: offset)
        }
    }

    private func element(_ key: Value, of container: Value, base: ExpressionNode, at offset: Int) throws(LocatedError) -> Value {
        switch (container, key) {
        case let (.list(items), .int(index)):
            let position = index < 0 ? index + items.count : index
            guard items.indices.contains(position) else {
                let hint = items.isEmpty
                    ? "the list is empty"
                    : "valid indexes are 0 to \(items.count - 1), or -\(items.count) to -1 from the end"
                throw source.error(
                    "index \(index) is out of range: \(describe(base)) has \(items.count) element\(items.count == 1 ? "" : "s")",
                    at: offset, hint: hint)
            }
            return items[position]
        case let (.map(entries), .string(name)):
            if let found = entries[name] { return found }
            throw missing("key", name, in: entries, base: base, at: offset)
        case (.list, _):
            throw source.error("a list index must be an int, got \(key.typeName)", at: offset)
        case (.map, _):
            throw source.error("a map key must be a string, got \(key.typeName)", at: offset)
        case (.null, _):
            throw source.error("\(describe(base)) is null, so it cannot be indexed", at: offset)
        default:
            throw source.error(
                "\(describe(base)) is \(Self.article(container.typeName)); only lists and maps can be indexed", at: offset)
        }
    }

    private func missing(
        _ kind: String, _ name: String, in entries: [String: Value], base: ExpressionNode, at offset: Int
    ) -> LocatedError {
        let keys = entries.keys.sorted()
        let list = "\(kind)s: \(Self.listing(keys))"
        let hint: String
        if keys.isEmpty {
            hint = "it is an empty map"
        } else if let suggestion = NameSuggestion.hint(for: name, among: keys) {
            hint = "\(suggestion) (\(list))"
        } else {
            hint = list
        }
        return source.error("\(describe(base)) has no \(kind) '\(name)'", at: offset, hint: hint)
    }

    private func projection(
        of value: Value, base: ExpressionNode, body: ExpressionNode, at offset: Int
    ) throws(LocatedError) -> Value {
        let items: [Value]
        switch value {
        case let .list(list): items = list
        case let .map(entries): items = entries.sorted { $0.key < $1.key }.map(\.value)
        case .null: throw source.error("\(describe(base)) is null, so it cannot be projected with [*]", at: offset)
        default:
            throw source.error(
                "\(describe(base)) is \(Self.article(value.typeName)); [*] needs a list or a map", at: offset)
        }
        guard items.count <= ExpressionLimits.maximumListCount else {
            throw source.error(
                "\(describe(base))[*] would have \(items.count) elements, more than \(ExpressionLimits.maximumListCount)",
                at: offset)
        }
        elements.append((.null, describe(base) + "[*]"))
        defer { elements.removeLast() }
        var results: [Value] = []
        results.reserveCapacity(items.count)
        for item in items {
            elements[elements.count - 1].value = item
            results.append(try evaluate(body))
        }
        return .list(results)
    }

    // MARK: - Operators

    private func unary(_ op: ExpressionOperator, _ value: Value, at offset: Int) throws(LocatedError) -> Value {
        if op == .not {
            guard case let .bool(flag) = value else {
                throw source.error("'not' needs a bool, got \(value.typeName)", at: offset)
            }
            return .bool(!flag)
        }
        return try located(offset) { () throws(LocatedError) -> Value in try ExpressionArithmetic.negate(value) }
    }

    private func binary(
        _ op: ExpressionOperator, _ leftNode: ExpressionNode, _ rightNode: ExpressionNode, at offset: Int
    ) throws(LocatedError) -> Value {
        if op == .and || op == .or {
            let left = try logical(op, try evaluate(leftNode), side: "left", at: offset)
            // Short-circuit: `false and x`, `true or x` never look at x.
            if left == (op == .or) { return .bool(left) }
            return .bool(try logical(op, try evaluate(rightNode), side: "right", at: offset))
        }
        let left = try evaluate(leftNode)
        let right = try evaluate(rightNode)
        switch op {
        case .equal: return .bool(left.expressionEquals(right))
        case .notEqual: return .bool(!left.expressionEquals(right))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            return .bool(try located(offset) { () throws(LocatedError) -> Bool in
                try ExpressionArithmetic.order(op, left, right)
            })
        case .in: return .bool(try contains(right, left, op: op, at: offset))
        case .notIn: return .bool(!(try contains(right, left, op: op, at: offset)))
        default:
            let result = try located(offset) { () throws(LocatedError) -> Value in
                try ExpressionArithmetic.apply(op, left, right)
            }
            if case let .list(items) = result { try charge(items.count, at: offset) }
            return result
        }
    }

    private func logical(_ op: ExpressionOperator, _ value: Value, side: String, at offset: Int) throws(LocatedError) -> Bool {
        guard case let .bool(flag) = value else {
            throw source.error("'\(op.symbol)' needs bools, got \(Self.article(value.typeName)) on the \(side)", at: offset)
        }
        return flag
    }

    private func contains(_ container: Value, _ item: Value, op: ExpressionOperator, at offset: Int) throws(LocatedError) -> Bool {
        switch container {
        case let .list(items):
            try charge(items.count, at: offset)
            return items.contains { $0.expressionEquals(item) }
        case let .map(entries):
            guard case let .string(key) = item else {
                throw source.error("map keys are strings; '\(op.symbol)' got \(Self.article(item.typeName))", at: offset)
            }
            return entries[key] != nil
        case let .string(text):
            guard case let .string(part) = item else {
                throw source.error(
                    "'\(op.symbol)' on a string looks for a substring, got \(Self.article(item.typeName))", at: offset)
            }
            return part.isEmpty || text.contains(part)
        default:
            throw source.error(
                "'\(op.symbol)' needs a list, map or string on the right, got \(Self.article(container.typeName))",
                at: offset)
        }
    }

    // MARK: - Text

    /// "an int", "a list", "null".
    static func article(_ typeName: String) -> String {
        switch typeName {
        case "null": return "null"
        case "int": return "an int"
        default: return "a \(typeName)"
        }
    }

    /// Names joined by commas, the first 20 of them.
    static func listing(_ names: [String]) -> String {
        let shown = names.prefix(20).joined(separator: ", ")
        return names.count > 20 ? "\(shown), and \(names.count - 20) more" : shown
    }
}
