/// One of Alertmanager's label matchers: `name="value"`, `name!="value"`,
/// `name=~"regex"`, `name!~"regex"`. A label that is absent matches as the
/// empty string, as in Alertmanager (so `team!="db"` holds for an alert
/// without `team`, and `team=~".*"` for every alert).
///
/// Regexes are anchored as Alertmanager anchors them, `^(?:re)$`, and run
/// with Swift's `Regex` (whole-match). That engine backtracks where
/// Alertmanager's RE2 does not, so patterns are bounded: at most
/// `maximumLength` characters, and no repeated group that repeats inside
/// (`(a+)+`, `(a|a)*` is not caught — the length bound and the 1 KiB label
/// values keep it small). Values to match are labels, bounded by the delivery.
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case notMatchesRegex = "!~"
    }

    /// The longest matcher text (and so pattern) accepted.
    public static let maximumLength = 512

    public let name: String
    public let op: Operator
    public let value: String
    private let regex: CompiledPattern?

    public init(name: String, op: Operator, value: String) throws(LabelMatcherError) {
        guard Self.isName(name) else { throw LabelMatcherError(.expectedName, at: 1) }
        guard value.count <= Self.maximumLength else { throw LabelMatcherError(.tooLong(limit: Self.maximumLength), at: 1) }
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual: regex = nil
        case .matchesRegex, .notMatchesRegex: regex = try CompiledPattern(value)
        }
    }

    /// Whether an alert with these labels passes.
    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[name] ?? ""
        switch op {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .matchesRegex: return regex?.wholeMatches(actual) ?? false
        case .notMatchesRegex: return !(regex?.wholeMatches(actual) ?? true)
        }
    }

    /// Whether every matcher of the list passes (an empty list passes everything).
    public static func all(_ matchers: [LabelMatcher], match labels: [String: String]) -> Bool {
        matchers.allSatisfy { $0.matches(labels) }
    }

    /// The matcher as Alertmanager writes it, value quoted and escaped.
    public var description: String {
        var quoted = ""
        for character in value {
            switch character {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            default: quoted.append(character)
            }
        }
        return "\(name)\(op.rawValue)\"\(quoted)\""
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        (lhs.name, lhs.op, lhs.value) == (rhs.name, rhs.op, rhs.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(op)
        hasher.combine(value)
    }

    /// Parses one matcher. The value is double-quoted with `\\`, `\"` and `\n`
    /// escapes, or bare (no spaces, quotes, commas or braces) as amtool accepts.
    public static func parse(_ text: String) throws(LabelMatcherError) -> LabelMatcher {
        var scanner = Scanner(Array(text))
        let matcher = try scanner.matcher()
        scanner.skipSpaces()
        guard scanner.atEnd else { throw LabelMatcherError(.trailingText, at: scanner.position) }
        return matcher
    }

    /// Parses a list: `{a="b", c=~"d"}` or `a="b", c=~"d"` (all must hold).
    public static func parseList(_ text: String) throws(LabelMatcherError) -> [LabelMatcher] {
        guard text.count <= 16 * maximumLength else { throw LabelMatcherError(.tooLong(limit: 16 * maximumLength), at: 1) }
        var scanner = Scanner(Array(text))
        scanner.skipSpaces()
        let braced = scanner.take("{")
        var matchers: [LabelMatcher] = []
        while true {
            scanner.skipSpaces()
            if braced, scanner.peek == "}" { break }
            if scanner.atEnd { break }
            matchers.append(try scanner.matcher())
            scanner.skipSpaces()
            if !scanner.take(",") { break }
        }
        scanner.skipSpaces()
        if braced, !scanner.take("}") { throw LabelMatcherError(.trailingText, at: scanner.position) }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw LabelMatcherError(.trailingText, at: scanner.position) }
        guard !matchers.isEmpty else { throw LabelMatcherError(.emptyList, at: 1) }
        return matchers
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Reads matchers from characters, keeping the position for errors.
    private struct Scanner {
        let characters: [Character]
        var index = 0

        init(_ characters: [Character]) { self.characters = characters }

        var atEnd: Bool { index >= characters.count }
        var peek: Character? { atEnd ? nil : characters[index] }
        var position: Int { index + 1 }

        mutating func skipSpaces() { while let next = peek, next == " " || next == "\t" { index += 1 } }

        mutating func take(_ character: Character) -> Bool {
            guard peek == character else { return false }
            index += 1
            return true
        }

        mutating func matcher() throws(LabelMatcherError) -> LabelMatcher {
            let start = position
            skipSpaces()
            let nameStart = index
            while let next = peek, next == "_" || (next.isASCII && (next.isLetter || next.isNumber)) { index += 1 }
            let name = String(characters[nameStart..<index])
            guard LabelMatcher.isName(name) else { throw LabelMatcherError(.expectedName, at: nameStart + 1) }
            skipSpaces()
            let operatorAt = position
            let op: Operator
            if take("=") {
                op = take("~") ? .matchesRegex : .equal
            } else if take("!") {
                if take("=") { op = .notEqual } else if take("~") { op = .notMatchesRegex } else { throw LabelMatcherError(.expectedOperator, at: operatorAt) }
            } else {
                throw LabelMatcherError(.expectedOperator, at: operatorAt)
            }
            skipSpaces()
            let valueAt = position
            var value = ""
            if take("\"") {
                var closed = false
                while let next = peek {
                    index += 1
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = peek else { break }
                        index += 1
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw LabelMatcherError(.badEscape(escaped), at: position - 2)
                        }
                    } else {
                        value.append(next)
                    }
                }
                guard closed else { throw LabelMatcherError(.unterminatedValue, at: valueAt) }
            } else {
                while let next = peek, !" \t,{}\"".contains(next) {
                    value.append(next)
                    index += 1
                }
            }
            guard index - start < LabelMatcher.maximumLength else { throw LabelMatcherError(.tooLong(limit: LabelMatcher.maximumLength), at: start) }
            do {
                return try LabelMatcher(name: name, op: op, value: value)
            } catch {
                throw LabelMatcherError(error.problem, at: error.problem == .expectedName ? nameStart + 1 : valueAt)
            }
        }
    }
}
