/// Turns tokens into an expression tree by precedence climbing, lowest to
/// highest: `or`, `and`, `not`, comparisons and `in` (not chained), `+ -`,
/// `* / %`, unary `-`, then member, index, projection and calls.
struct ExpressionParser {
    private let source: ExpressionSource
    private let tokens: [ExpressionToken]
    private var position = 0
    private var depth = 0

    static func parse(_ source: ExpressionSource) throws(LocatedError) -> ExpressionNode {
        var parser = ExpressionParser(source: source, tokens: try ExpressionLexer.tokens(of: source))
        let node = try parser.parseOr()
        guard case .end = parser.current.kind else {
            throw source.error("unexpected \(parser.current.quoted) after a complete expression", at: parser.current.offset)
        }
        return node
    }

    private init(source: ExpressionSource, tokens: [ExpressionToken]) {
        self.source = source
        self.tokens = tokens
    }

    // MARK: - Tokens

    private var current: ExpressionToken { tokens[min(position, tokens.count - 1)] }

    private func peek(_ ahead: Int) -> ExpressionToken { tokens[min(position + ahead, tokens.count - 1)] }

    private mutating func advance() -> ExpressionToken {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func expect(_ symbol: String, closing opener: ExpressionToken) throws(LocatedError) {
        guard current.isSymbol(symbol) else {
            throw source.error(
                "expected '\(symbol)', got \(current.quoted)", at: current.offset,
                hint: "to close the \(opener.quoted) at \(place(of: opener))")
        }
        _ = advance()
    }

    /// "line 2, column 5", for hints about an opening bracket.
    private func place(of token: ExpressionToken) -> String {
        let location = source.location(at: token.offset)
        return "line \(location.line), column \(location.column)"
    }

    private mutating func enter(at offset: Int) throws(LocatedError) {
        depth += 1
        guard depth <= ExpressionLimits.maximumDepth else {
            throw source.error("expression is nested more than \(ExpressionLimits.maximumDepth) levels deep", at: offset)
        }
    }

    private mutating func leave() { depth -= 1 }

    private func make(
        _ kind: ExpressionNode.Kind, at offset: Int, children: [ExpressionNode]
    ) throws(LocatedError) -> ExpressionNode {
        let node = ExpressionNode(kind, at: offset, children: children)
        guard node.height <= ExpressionLimits.maximumDepth else {
            throw source.error("expression is nested more than \(ExpressionLimits.maximumDepth) levels deep", at: offset)
        }
        return node
    }

    // MARK: - Operators

    private mutating func parseOr() throws(LocatedError) -> ExpressionNode {
        var left = try parseAnd()
        while current.isWord("or") {
            let token = advance()
            let right = try parseAnd()
            left = try make(.binary(.or, left, right), at: token.offset, children: [left, right])
        }
        return left
    }

    private mutating func parseAnd() throws(LocatedError) -> ExpressionNode {
        var left = try parseNot()
        while current.isWord("and") {
            let token = advance()
            let right = try parseNot()
            left = try make(.binary(.and, left, right), at: token.offset, children: [left, right])
        }
        return left
    }

    private mutating func parseNot() throws(LocatedError) -> ExpressionNode {
        guard current.isWord("not") else { return try parseComparison() }
        let token = advance()
        try enter(at: token.offset)
        let operand = try parseNot()
        leave()
        return try make(.unary(.not, operand), at: token.offset, children: [operand])
    }

    private mutating func parseComparison() throws(LocatedError) -> ExpressionNode {
        let left = try parseAdditive()
        guard let (op, offset) = comparisonOperator() else { return left }
        let right = try parseAdditive()
        if let (next, nextOffset) = comparisonOperator() {
            throw source.error(
                "comparisons cannot be chained: '\(next.symbol)' follows '\(op.symbol)'", at: nextOffset,
                hint: "combine them with 'and', like a < b and b < c")
        }
        return try make(.binary(op, left, right), at: offset, children: [left, right])
    }

    /// Consumes a comparison operator (`not in` is two tokens) if one is next.
    private mutating func comparisonOperator() -> (ExpressionOperator, Int)? {
        let token = current
        let op: ExpressionOperator
        switch token.kind {
        case let .symbol(symbol):
            switch symbol {
            case "==": op = .equal
            case "!=": op = .notEqual
            case "<": op = .less
            case "<=": op = .lessOrEqual
            case ">": op = .greater
            case ">=": op = .greaterOrEqual
            default: return nil
            }
        case .identifier("in"): op = .in
        case .identifier("not") where peek(1).isWord("in"):
            _ = advance()
            op = .notIn
        default: return nil
        }
        _ = advance()
        return (op, token.offset)
    }

    private mutating func parseAdditive() throws(LocatedError) -> ExpressionNode {
        var left = try parseMultiplicative()
        while true {
            let op: ExpressionOperator
            if current.isSymbol("+") { op = .add } else if current.isSymbol("-") { op = .subtract } else { break }
            let token = advance()
            let right = try parseMultiplicative()
            left = try make(.binary(op, left, right), at: token.offset, children: [left, right])
        }
        return left
    }

    private mutating func parseMultiplicative() throws(LocatedError) -> ExpressionNode {
        var left = try parseUnary()
        while true {
            let op: ExpressionOperator
            if current.isSymbol("*") {
                op = .multiply
            } else if current.isSymbol("/") {
                op = .divide
            } else if current.isSymbol("%") {
                op = .remainder
            } else {
                break
            }
            let token = advance()
            let right = try parseUnary()
            left = try make(.binary(op, left, right), at: token.offset, children: [left, right])
        }
        return left
    }

    private mutating func parseUnary() throws(LocatedError) -> ExpressionNode {
        guard current.isSymbol("-") else { return try parsePostfix(try parsePrimary()) }
        let token = advance()
        try enter(at: token.offset)
        let operand = try parseUnary()
        leave()
        return try make(.unary(.negate, operand), at: token.offset, children: [operand])
    }

    // MARK: - Postfix and primaries

    private mutating func parsePostfix(_ base: ExpressionNode) throws(LocatedError) -> ExpressionNode {
        var node = base
        while true {
            if current.isSymbol(".") {
                _ = advance()
                guard case let .identifier(name) = current.kind else {
                    throw source.error("expected a field name after '.', got \(current.quoted)", at: current.offset)
                }
                let token = advance()
                node = try make(.member(node, name), at: token.offset, children: [node])
            } else if current.isSymbol("["), peek(1).isSymbol("*"), peek(2).isSymbol("]") {
                let token = advance()
                _ = advance()
                _ = advance()
                try enter(at: token.offset)
                let body = try parsePostfix(ExpressionNode(.element, at: token.offset))
                leave()
                return try make(.projection(node, body: body), at: token.offset, children: [node, body])
            } else if current.isSymbol("[") {
                let token = advance()
                try enter(at: token.offset)
                let index = try parseOr()
                try expect("]", closing: token)
                leave()
                node = try make(.index(node, index), at: token.offset, children: [node, index])
            } else if current.isSymbol("(") {
                throw source.error("only functions can be called", at: current.offset, hint: "functions are called by name, like len(x)")
            } else {
                return node
            }
        }
    }

    private mutating func parsePrimary() throws(LocatedError) -> ExpressionNode {
        let token = current
        switch token.kind {
        case let .integer(number):
            _ = advance()
            return ExpressionNode(.literal(.int(number)), at: token.offset)
        case let .decimal(number):
            _ = advance()
            return ExpressionNode(.literal(.double(number)), at: token.offset)
        case let .duration(duration):
            _ = advance()
            return ExpressionNode(.literal(.duration(duration)), at: token.offset)
        case let .string(text):
            _ = advance()
            return ExpressionNode(.literal(.string(text)), at: token.offset)
        case let .identifier(name):
            return try parseName(name, token: token)
        case .symbol("("):
            _ = advance()
            try enter(at: token.offset)
            let inner = try parseOr()
            try expect(")", closing: token)
            leave()
            return inner
        case .symbol("["):
            return try parseList(token)
        case .end:
            throw source.error("unexpected end of expression; expected a value", at: token.offset)
        case .symbol:
            throw source.error("expected a value, got \(token.quoted)", at: token.offset)
        }
    }

    private mutating func parseName(_ name: String, token: ExpressionToken) throws(LocatedError) -> ExpressionNode {
        switch name {
        case "true", "false":
            _ = advance()
            return ExpressionNode(.literal(.bool(name == "true")), at: token.offset)
        case "null":
            _ = advance()
            return ExpressionNode(.literal(.null), at: token.offset)
        case "and", "or", "not", "in":
            throw source.error("expected a value, got '\(name)'", at: token.offset)
        default:
            break
        }
        _ = advance()
        guard current.isSymbol("(") else { return ExpressionNode(.root(name), at: token.offset) }
        guard let function = ExpressionFunction(rawValue: name) else {
            let names = ExpressionFunction.allCases.map(\.rawValue)
            throw source.error(
                "unknown function '\(name)'", at: token.offset,
                hint: NameSuggestion.hint(for: name, among: names) ?? "the functions are \(names.joined(separator: ", "))")
        }
        let open = advance()
        try enter(at: open.offset)
        let arguments = try parseItems(closing: ")", opener: open)
        leave()
        guard function.arity.contains(arguments.count) else {
            throw source.error("\(name)() takes \(function.arityText), got \(arguments.count)", at: token.offset)
        }
        return try make(.call(function, arguments), at: token.offset, children: arguments)
    }

    private mutating func parseList(_ open: ExpressionToken) throws(LocatedError) -> ExpressionNode {
        _ = advance()
        try enter(at: open.offset)
        let items = try parseItems(closing: "]", opener: open)
        leave()
        return try make(.list(items), at: open.offset, children: items)
    }

    /// Comma-separated expressions up to `closing`; a trailing comma is fine.
    private mutating func parseItems(closing: String, opener: ExpressionToken) throws(LocatedError) -> [ExpressionNode] {
        var items: [ExpressionNode] = []
        while !current.isSymbol(closing) {
            items.append(try parseOr())
            if current.isSymbol(",") {
                _ = advance()
            } else if !current.isSymbol(closing) {
                throw source.error(
                    "expected ',' or '\(closing)', got \(current.quoted)", at: current.offset,
                    hint: "to close the \(opener.quoted) at \(place(of: opener))")
            }
        }
        _ = advance()
        return items
    }
}
