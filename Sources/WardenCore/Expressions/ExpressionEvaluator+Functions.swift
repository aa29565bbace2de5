import Foundation

extension ExpressionEvaluator {
    /// Calls a built-in function; arity was checked by the parser.
    func call(_ function: ExpressionFunction, _ arguments: [ExpressionNode], at offset: Int) throws(LocatedError) -> Value {
        var values: [Value] = []
        for argument in arguments {
            values.append(try evaluate(argument))
        }
        let name = function.rawValue + "()"
        switch function {
        case .len:
            switch values[0] {
            case let .string(text): return .int(text.count)
            case let .list(items): return .int(items.count)
            case let .map(entries): return .int(entries.count)
            default: throw source.error("\(name) needs a string, list or map, got \(Self.article(values[0].typeName))", at: offset)
            }
        case .count:
            let items = try list(values[0], for: name, at: offset)
            if values.count == 2 {
                return .int(items.reduce(0) { $0 + ($1.expressionEquals(values[1]) ? 1 : 0) })
            }
            return .int(try bools(items, for: name, at: offset).count { $0 })
        case .sum:
            return try sum(try list(values[0], for: name, at: offset), at: offset)
        case .min, .max:
            return try extreme(function, values, at: offset)
        case .any:
            return .bool(try bools(try list(values[0], for: name, at: offset), for: name, at: offset).contains(true))
        case .all:
            return .bool(!(try bools(try list(values[0], for: name, at: offset), for: name, at: offset).contains(false)))
        case .matches:
            return try ExpressionMatching.matches(values[0], values[1], source: source, arguments: arguments)
        case .select:
            return try select(values, for: name, at: offset)
        case .now:
            let seconds = environment.now().timeIntervalSince1970.rounded(.down)
            guard let whole = Int(exactly: seconds) else { throw source.error("the clock is out of range", at: offset) }
            return .int(whole)
        case .hour:
            return try hour(values.first, argument: arguments.first, at: offset)
        case .int, .float, .str:
            return try located(offset) { () throws(LocatedError) -> Value in
                try ExpressionConversion.convert(values[0], to: function)
            }
        }
    }

    /// `select(items, "field", value)` / `select(items, "field", "op", value)`:
    /// the maps of `items` whose `field` compares so with `value` (names the
    /// unhealthy tables, the UNALIVE nodes). Comparison is as strict as the
    /// operators'; an item without the field is an error, not a silent miss.
    private func select(_ values: [Value], for name: String, at offset: Int) throws(LocatedError) -> Value {
        let items = try list(values[0], for: name, at: offset)
        guard case let .string(field) = values[1] else {
            throw source.error("\(name) needs a field name as its second argument, got \(Self.article(values[1].typeName))", at: offset)
        }
        var op = ExpressionOperator.equal
        if values.count == 4 {
            let symbols: [String: ExpressionOperator] = ["==": .equal, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual]
            guard case let .string(symbol) = values[2], let chosen = symbols[symbol] else {
                throw source.error("\(name)'s third argument must be one of == != < <= > >=, got \(values[2].jsonText(pretty: false))", at: offset)
            }
            op = chosen
        }
        let wanted = values[values.count - 1]
        var selected: [Value] = []
        for (index, item) in items.enumerated() {
            guard case let .map(entries) = item else {
                throw source.error("\(name) needs a list of maps; item \(index) is \(Self.article(item.typeName))", at: offset)
            }
            guard let value = entries[field] else {
                throw source.error("\(name): item \(index) has no field '\(field)'", at: offset,
                                   hint: "fields: " + entries.keys.sorted().joined(separator: ", "))
            }
            let keep: Bool
            switch op {
            case .equal: keep = value.expressionEquals(wanted)
            case .notEqual: keep = !value.expressionEquals(wanted)
            default: keep = try located(offset) { () throws(LocatedError) -> Bool in try ExpressionArithmetic.order(op, value, wanted) }
            }
            if keep { selected.append(item) }
        }
        return .list(selected)
    }

    private func list(_ value: Value, for name: String, at offset: Int) throws(LocatedError) -> [Value] {
        guard case let .list(items) = value else {
            throw source.error("\(name) needs a list, got \(Self.article(value.typeName))", at: offset)
        }
        try charge(items.count, at: offset)
        return items
    }

    private func bools(_ items: [Value], for name: String, at offset: Int) throws(LocatedError) -> [Bool] {
        var flags: [Bool] = []
        flags.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case let .bool(flag) = item else {
                throw source.error(
                    "\(name) needs a list of bools, but element \(index) is \(Self.article(item.typeName))", at: offset,
                    hint: name == "count()" ? "to count occurrences of a value, use count(list, value)" : nil)
            }
            flags.append(flag)
        }
        return flags
    }

    private func sum(_ items: [Value], at offset: Int) throws(LocatedError) -> Value {
        guard var total = items.first else { return .int(0) }
        for (index, item) in items.enumerated() {
            switch item {
            case .int, .double, .duration: break
            default:
                throw source.error(
                    "sum() needs numbers or durations, but element \(index) is \(Self.article(item.typeName))", at: offset)
            }
            if index > 0 {
                let partial = total
                total = try located(offset) { () throws(LocatedError) -> Value in
                    try ExpressionArithmetic.apply(.add, partial, item)
                }
            }
        }
        return total
    }

    private func extreme(_ function: ExpressionFunction, _ values: [Value], at offset: Int) throws(LocatedError) -> Value {
        let name = function.rawValue + "()"
        let items = values.count == 1 ? try list(values[0], for: "\(name) with one argument", at: offset) : values
        guard var best = items.first else { throw source.error("\(name) of an empty list", at: offset) }
        let op: ExpressionOperator = function == .min ? .less : .greater
        for item in items.dropFirst() {
            let current = best
            if try located(offset, { () throws(LocatedError) -> Bool in try ExpressionArithmetic.order(op, item, current) }) {
                best = item
            }
        }
        return best
    }

    private func hour(_ zoneName: Value?, argument: ExpressionNode?, at offset: Int) throws(LocatedError) -> Value {
        var zone = TimeZone(secondsFromGMT: 0)
        if let zoneName, let argument {
            guard case let .string(identifier) = zoneName else {
                throw source.error(
                    "hour() needs a timezone name like \"Asia/Shanghai\", got \(Self.article(zoneName.typeName))",
                    at: argument.offset)
            }
            guard let named = TimeZone(identifier: identifier) else {
                throw source.error(
                    "unknown timezone '\(identifier)'", at: argument.offset,
                    hint: NameSuggestion.hint(for: identifier, among: TimeZone.knownTimeZoneIdentifiers)
                        ?? "use an IANA name like \"Asia/Shanghai\" or \"UTC\"")
            }
            zone = named
        }
        var calendar = Calendar(identifier: .gregorian)
        if let zone { calendar.timeZone = zone }
        return .int(calendar.component(.hour, from: environment.now()))
    }
}
