/// Splits expression text into tokens: names, numbers, durations (`30s`),
/// quoted strings and operator symbols.
struct ExpressionLexer {
    private let source: ExpressionSource
    private var scalars: [Unicode.Scalar] { source.scalars }
    private var position = 0
    private var tokens: [ExpressionToken] = []

    private static let twoCharacterSymbols: Set<String> = ["==", "!=", "<=", ">="]
    private static let oneCharacterSymbols: Set<Unicode.Scalar> = [
        "(", ")", "[", "]", ",", ".", "*", "+", "-", "/", "%", "<", ">",
    ]

    static func tokens(of source: ExpressionSource) throws(LocatedError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(source: source)
        try lexer.run()
        return lexer.tokens
    }

    private init(source: ExpressionSource) {
        self.source = source
    }

    private mutating func run() throws(LocatedError) {
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                position += 1
            } else if Self.isLetter(scalar) || scalar == "_" {
                identifier()
            } else if Self.isDigit(scalar) {
                try number()
            } else if scalar == "\"" || scalar == "'" {
                try string(quote: scalar)
            } else {
                try symbol()
            }
        }
        tokens.append(ExpressionToken(kind: .end, offset: scalars.count))
    }

    private mutating func identifier() {
        let start = position
        while position < scalars.count, Self.isLetter(scalars[position]) || Self.isDigit(scalars[position])
            || scalars[position] == "_" {
            position += 1
        }
        tokens.append(ExpressionToken(kind: .identifier(text(start..<position)), offset: start))
    }

    private mutating func number() throws(LocatedError) {
        let start = position
        skipDigits()
        var isDecimal = false
        if position + 1 < scalars.count, scalars[position] == ".", Self.isDigit(scalars[position + 1]) {
            isDecimal = true
            position += 1
            skipDigits()
        }
        if position < scalars.count, Self.isLetter(scalars[position]) {
            // A number immediately followed by a unit: a duration, which may
            // go on with more parts ("1h30m", "1.5s").
            while position < scalars.count,
                  Self.isLetter(scalars[position]) || Self.isDigit(scalars[position]) || scalars[position] == "." {
                position += 1
            }
            let literal = text(start..<position)
            do {
                let duration = try DurationText.parse(literal)
                tokens.append(ExpressionToken(kind: .duration(duration), offset: start))
            } catch {
                throw source.error(error.message, at: start)
            }
            return
        }
        let literal = text(start..<position)
        if isDecimal {
            guard let number = Double(literal), number.isFinite else {
                throw source.error("number \(literal) is too large", at: start)
            }
            tokens.append(ExpressionToken(kind: .decimal(number), offset: start))
        } else {
            guard let number = Int(literal) else {
                throw source.error("integer \(literal) is too large", at: start, hint: "integers go up to \(Int.max)")
            }
            tokens.append(ExpressionToken(kind: .integer(number), offset: start))
        }
    }

    private mutating func string(quote: Unicode.Scalar) throws(LocatedError) {
        let start = position
        position += 1
        var value = String.UnicodeScalarView()
        while true {
            guard position < scalars.count else {
                throw source.error("unterminated string", at: start, hint: "close it with \(quote)")
            }
            let scalar = scalars[position]
            if scalar == quote {
                position += 1
                break
            }
            if scalar == "\\" {
                guard position + 1 < scalars.count else {
                    throw source.error("unterminated string", at: start, hint: "close it with \(quote)")
                }
                switch scalars[position + 1] {
                case "\\": value.append("\\")
                case "\"": value.append("\"")
                case "'": value.append("'")
                case "n": value.append("\n")
                case "t": value.append("\t")
                default:
                    throw source.error(
                        "unknown escape '\\\(scalars[position + 1].escaped(asASCII: true))' in string", at: position,
                        hint: "the escapes are \\\\, \\\", \\', \\n and \\t")
                }
                position += 2
            } else {
                value.append(scalar)
                position += 1
            }
        }
        tokens.append(ExpressionToken(kind: .string(String(value)), offset: start))
    }

    private mutating func symbol() throws(LocatedError) {
        let start = position
        if position + 1 < scalars.count {
            let pair = text(position..<position + 2)
            if Self.twoCharacterSymbols.contains(pair) {
                position += 2
                tokens.append(ExpressionToken(kind: .symbol(pair), offset: start))
                return
            }
            if pair == "&&" { throw source.error("'&&' is not an operator", at: start, hint: "use 'and'") }
            if pair == "||" { throw source.error("'||' is not an operator", at: start, hint: "use 'or'") }
        }
        let scalar = scalars[position]
        if Self.oneCharacterSymbols.contains(scalar) {
            position += 1
            tokens.append(ExpressionToken(kind: .symbol(String(scalar)), offset: start))
            return
        }
        switch scalar {
        case "=": throw source.error("'=' is not an operator", at: start, hint: "use '==' to compare")
        case "!": throw source.error("'!' is not an operator", at: start, hint: "use 'not', or '!=' to compare")
        default:
            throw source.error("unexpected character '\(scalar.escaped(asASCII: true))'", at: start)
        }
    }

    private mutating func skipDigits() {
        while position < scalars.count, Self.isDigit(scalars[position]) {
            position += 1
        }
    }

    private func text(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[range]))
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }
}
