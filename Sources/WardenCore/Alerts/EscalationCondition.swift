/// `escalate.when`: incident mode's threshold written as a condition, e.g.
/// `count(distinct labels.node) >= 3 or percent(inventory replica) >= 30`.
///
/// Two terms, joined by `or` (whichever is reached first), each at most once:
/// - `count(distinct labels.LABEL) >= N`: alerts of N distinct values of LABEL fire in the scope;
/// - `percent(inventory GROUP) >= P`: the distinct values of the label fire for P percent of the
///   rule's inventory group GROUP (its hosts counted when the config loads).
///
/// It is the same threshold `label`, `at_least`, `at_least_percent` and `of` write field by
/// field, and loads into the same `AlertEscalation`: one decision, two spellings. Nothing else
/// is accepted (no `and`, no other comparison): a condition Warden cannot evaluate exactly is
/// refused at load, naming the column.
struct EscalationCondition: Equatable {
    var label: String?
    var atLeast: Int?
    var percent: AlertEscalation.Percent?

    /// What a condition may say, for error messages.
    static let grammar = "`count(distinct labels.LABEL) >= N`, `percent(inventory GROUP) >= P`, or both joined by `or`"

    /// The condition in `text`, or why it is not one (with the 1-based column).
    static func parse(_ text: String) -> Result<EscalationCondition, EscalationConditionError> {
        var tokens = Tokens(text)
        var condition = EscalationCondition()
        repeat {
            tokens.skipSpaces()
            let start = tokens.column
            guard let head = tokens.word() else { return .failure(tokens.expected("`count(` or `percent(`")) }
            switch head {
            case "count":
                guard condition.label == nil else { return .failure(.init(column: start, "`count(...)` is given twice (column \(start))")) }
                guard tokens.symbol("("), tokens.word(equalTo: "distinct") else { return .failure(tokens.expected("`(distinct labels.LABEL)` after `count`")) }
                tokens.skipSpaces()
                let pathStart = tokens.position
                guard let path = tokens.word(), path.hasPrefix("labels."), LabelMatcher.isName(String(path.dropFirst("labels.".count))) else {
                    tokens.position = pathStart
                    return .failure(tokens.expected("`labels.LABEL` (a Prometheus label name)"))
                }
                guard tokens.symbol(")"), tokens.symbol(">=") else { return .failure(tokens.expected("`) >= N`")) }
                tokens.skipSpaces()
                let numberStart = tokens.position
                guard let number = tokens.number(), let count = Int(exactly: number), (2...10_000).contains(count) else {
                    tokens.position = numberStart
                    return .failure(tokens.expected("a whole number from 2 to 10000"))
                }
                condition.label = String(path.dropFirst("labels.".count))
                condition.atLeast = count
            case "percent":
                guard condition.percent == nil else { return .failure(.init(column: start, "`percent(...)` is given twice (column \(start))")) }
                guard tokens.symbol("("), tokens.word(equalTo: "inventory") else { return .failure(tokens.expected("`(inventory GROUP)` after `percent`")) }
                guard let group = tokens.word() else { return .failure(tokens.expected("an inventory group's name")) }
                guard tokens.symbol(")"), tokens.symbol(">=") else { return .failure(tokens.expected("`) >= P`")) }
                tokens.skipSpaces()
                let shareStart = tokens.position
                guard let share = tokens.number(), share > 0, share <= 100 else {
                    tokens.position = shareStart
                    return .failure(tokens.expected("a percent above 0 and at most 100"))
                }
                condition.percent = AlertEscalation.Percent(atLeast: share, group: group)
            default:
                return .failure(.init(column: start, "expected \(grammar), got '\(head)' at column \(start)"))
            }
        } while tokens.word(equalTo: "or")
        guard tokens.atEnd else { return .failure(tokens.expected("`or` or the end")) }
        return .success(condition)
    }

    /// A cursor over the condition's text.
    private struct Tokens {
        let characters: [Character]
        var position = 0

        init(_ text: String) {
            characters = Array(text)
        }

        var column: Int { position + 1 }
        var atEnd: Bool {
            mutating get {
                skipSpaces()
                return position == characters.count
            }
        }

        mutating func skipSpaces() {
            while position < characters.count, characters[position].isWhitespace { position += 1 }
        }

        /// A name: letters, digits, `_`, `-` and `.`, starting with a letter or `_`.
        mutating func word() -> String? {
            skipSpaces()
            guard position < characters.count, characters[position].isASCII, characters[position].isLetter || characters[position] == "_" else { return nil }
            let start = position
            while position < characters.count, characters[position].isASCII,
                  characters[position].isLetter || characters[position].isNumber || "_-.".contains(characters[position]) {
                position += 1
            }
            return String(characters[start..<position])
        }

        /// Takes the word `expected` if it comes next.
        mutating func word(equalTo expected: String) -> Bool {
            let saved = position
            if word() == expected { return true }
            position = saved
            return false
        }

        mutating func symbol(_ symbol: String) -> Bool {
            skipSpaces()
            let wanted = Array(symbol)
            guard characters.count - position >= wanted.count, Array(characters[position..<position + wanted.count]) == wanted else { return false }
            position += wanted.count
            return true
        }

        /// A non-negative decimal number.
        mutating func number() -> Double? {
            skipSpaces()
            let start = position
            while position < characters.count, characters[position].isASCII, characters[position].isNumber || characters[position] == "." {
                position += 1
            }
            guard position > start else { return nil }
            return Double(String(characters[start..<position]))
        }

        func expected(_ what: String) -> EscalationConditionError {
            let found = position < characters.count ? "'\(String(characters[position...].prefix(20)))'" : "the end"
            return EscalationConditionError(column: column, "expected \(what) at column \(column), found \(found)")
        }
    }
}
