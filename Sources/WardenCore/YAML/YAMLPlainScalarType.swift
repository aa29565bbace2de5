import Yams

/// The type YAML 1.1 gives a plain scalar (unquoted, with no tag) by its text:
/// `!!bool` (`yes`, `On`, `false`...), `!!int` (`42`, `0x1F`, `0o17`, `1_000`, `1:30`),
/// `!!float`, `!!null` (`~`, `null`, nothing), `!!timestamp`, `!!merge` (`<<`),
/// `!!value` (`=`), else `!!str`.
///
/// These are Yams' default resolver's rules, in its order, written out by hand. Yams
/// matches them with `NSRegularExpression`, which is ICU's regex engine: compiling
/// its patterns maps and touches about 4 MiB of ICU, its data and libstdc++ in every
/// `warden` process that reads a YAML file, a tenth of the controller's memory, for
/// seven patterns over ASCII. `YAMLPlainScalarTypeTests` checks that this and Yams'
/// default resolver agree, on the YAML 1.1 examples and on random text.
///
/// As ICU's `$` does, a match may end before one line terminator that ends the text.
enum YAMLPlainScalarType {
    static func tag(of text: String) -> Tag.Name {
        // Most scalars are words, and an alias can repeat one a million times before the
        // loader's node limit stops it: whatever cannot start a typed scalar is text at once.
        if let first = text.unicodeScalars.first, !mayStartATypedScalar(first.value) { return .str }
        var scalars = Array(text.unicodeScalars.lazy.map(\.value))
        // ICU's `$`: the end of the text, or before a line terminator (or CR LF) that ends it.
        if scalars.count >= 2, scalars[scalars.count - 2] == 0x0D, scalars[scalars.count - 1] == 0x0A {
            scalars.removeLast(2)
        } else if let last = scalars.last, isLineTerminator(last) {
            scalars.removeLast()
        }
        var text = Scanner(scalars)
        if isBool(&text) { return .bool }
        if isInt(&text) { return .int }
        if isFloat(&text) { return .float }
        if text.isExactly("<<") { return .merge }
        if text.scalars.isEmpty || text.isExactly("~") || text.isAny(of: ["null", "Null", "NULL"]) { return .null }
        if isTimestamp(&text) { return .timestamp }
        if text.isExactly("=") { return .value }
        return .str
    }

    /// The first characters of `yes`/`no`/`true`/`false`/`on`/`off` in their three cases, of
    /// numbers and times, `.inf`/`.nan`, `<<`, `~`, `null` and `=`, and blanks and line ends.
    private static func mayStartATypedScalar(_ value: UInt32) -> Bool {
        switch value {
        case 0x30...0x39: true  // 0-9
        case 0x2B, 0x2D, 0x2E, 0x3C, 0x3D, 0x7E: true  // + - . < = ~
        case 0x59, 0x79, 0x4E, 0x6E, 0x54, 0x74, 0x46, 0x66, 0x4F, 0x6F: true  // Y y N n T t F f O o
        // Blanks and line ends: left to the rules, which match them as Yams does.
        case 0x09...0x0D, 0x20, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func isLineTerminator(_ value: UInt32) -> Bool {
        (0x0A...0x0D).contains(value) || value == 0x85 || value == 0x2028 || value == 0x2029
    }

    private static func isBool(_ text: inout Scanner) -> Bool {
        text.isAny(of: ["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                        "on", "On", "ON", "off", "Off", "OFF"])
    }

    /// `[-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`
    private static func isInt(_ text: inout Scanner) -> Bool {
        let alternatives: [(inout Scanner) -> Bool] = [
            { $0.sign(); return $0.literal("0b") && $0.some(Scanner.binary) && $0.atEnd },
            { text in
                text.sign()
                guard text.literal("0") else { return false }
                _ = text.literal("o")
                return text.some(Scanner.octal) && text.atEnd
            },
            { $0.sign(); return ($0.literal("0") || ($0.one(Scanner.nonZeroDigit) && $0.many(Scanner.digitOrUnderscore))) && $0.atEnd },
            { $0.sign(); return $0.literal("0x") && $0.some(Scanner.hexadecimal) && $0.atEnd },
            { $0.sign(); return $0.one(Scanner.nonZeroDigit) && $0.many(Scanner.digitOrUnderscore) && $0.sexagesimal() && $0.atEnd },
        ]
        return text.anyAlternative(alternatives)
    }

    /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)?
    /// | [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
    private static func isFloat(_ text: inout Scanner) -> Bool {
        let alternatives: [(inout Scanner) -> Bool] = [
            { text in
                text.sign()
                guard text.one(Scanner.digit) else { return false }
                _ = text.many(Scanner.digitOrUnderscore)
                if text.literal(".") { _ = text.many(Scanner.digitOrUnderscore) }
                if text.one({ $0 == 0x65 || $0 == 0x45 }) {
                    text.sign()
                    guard text.some(Scanner.digit) else { return false }
                }
                return text.atEnd
            },
            { text in
                guard text.literal("."), text.some(Scanner.digitOrUnderscore) else { return false }
                if text.one({ $0 == 0x65 || $0 == 0x45 }) {
                    guard text.one(Scanner.plusOrMinus), text.some(Scanner.digit) else { return false }
                }
                return text.atEnd
            },
            { text in
                text.sign()
                guard text.one(Scanner.digit), text.many(Scanner.digitOrUnderscore), text.sexagesimal(), text.literal(".") else { return false }
                return text.many(Scanner.digitOrUnderscore) && text.atEnd
            },
            { $0.sign(); return $0.literal(".") && ($0.literal("inf") || $0.literal("Inf") || $0.literal("INF")) && $0.atEnd },
            { $0.literal(".") && ($0.literal("nan") || $0.literal("NaN") || $0.literal("NAN")) && $0.atEnd },
        ]
        return text.anyAlternative(alternatives)
    }

    /// `[0-9]{4}-[0-9]{2}-[0-9]{2}
    /// | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?`
    private static func isTimestamp(_ text: inout Scanner) -> Bool {
        let alternatives: [(inout Scanner) -> Bool] = [
            { $0.digits(4...4) && $0.literal("-") && $0.digits(2...2) && $0.literal("-") && $0.digits(2...2) && $0.atEnd },
            { text in
                guard text.digits(4...4), text.literal("-"), text.digits(1...2), text.literal("-"), text.digits(1...2) else { return false }
                guard text.one({ $0 == 0x54 || $0 == 0x74 }) || text.some(Scanner.blank) else { return false }
                guard text.digits(1...2), text.literal(":"), text.digits(2...2), text.literal(":"), text.digits(2...2) else { return false }
                if text.literal(".") { _ = text.many(Scanner.digit) }
                if text.atEnd { return true }
                // The zone, after optional blanks: `Z`, or `+H`, `-HH`, `+HH:MM`.
                _ = text.many(Scanner.blank)
                if text.literal("Z") { return text.atEnd }
                guard text.one(Scanner.plusOrMinus), text.digits(1...2) else { return false }
                if text.literal(":") { guard text.digits(2...2) else { return false } }
                return text.atEnd
            },
        ]
        return text.anyAlternative(alternatives)
    }
}

extension YAMLPlainScalarType {
    /// A cursor over a scalar's text (Unicode scalar values) for the matchers above. Every
    /// pattern here is deterministic (each repetition stops at a character the rest cannot
    /// start with, or is bounded and tried longest first where the rest tells), so greedy
    /// matching without backtracking decides as the regular expressions do.
    struct Scanner {
        let scalars: [UInt32]
        var position = 0

        init(_ scalars: [UInt32]) {
            self.scalars = scalars
        }

        static func digit(_ value: UInt32) -> Bool { (0x30...0x39).contains(value) }
        static func nonZeroDigit(_ value: UInt32) -> Bool { (0x31...0x39).contains(value) }
        static func digitOrUnderscore(_ value: UInt32) -> Bool { (0x30...0x39).contains(value) || value == 0x5F }
        static func binary(_ value: UInt32) -> Bool { value == 0x30 || value == 0x31 || value == 0x5F }
        static func octal(_ value: UInt32) -> Bool { (0x30...0x37).contains(value) || value == 0x5F }
        static func hexadecimal(_ value: UInt32) -> Bool {
            (0x30...0x39).contains(value) || (0x41...0x46).contains(value) || (0x61...0x66).contains(value) || value == 0x5F
        }
        static func plusOrMinus(_ value: UInt32) -> Bool { value == 0x2B || value == 0x2D }
        static func blank(_ value: UInt32) -> Bool { value == 0x20 || value == 0x09 }

        var atEnd: Bool { position == scalars.count }

        /// Whether the whole text is `word`.
        func isExactly(_ word: String) -> Bool {
            scalars.elementsEqual(word.unicodeScalars.lazy.map(\.value))
        }

        func isAny(of words: [String]) -> Bool {
            words.contains { isExactly($0) }
        }

        /// Tries each alternative from the start of the text.
        func anyAlternative(_ alternatives: [(inout Scanner) -> Bool]) -> Bool {
            alternatives.contains { alternative in
                var attempt = Scanner(scalars)
                return alternative(&attempt)
            }
        }

        /// An optional `+` or `-`.
        mutating func sign() {
            _ = one(Self.plusOrMinus)
        }

        mutating func literal(_ word: String) -> Bool {
            let values = Array(word.unicodeScalars.lazy.map(\.value))
            guard scalars.count - position >= values.count, scalars[position..<position + values.count].elementsEqual(values) else { return false }
            position += values.count
            return true
        }

        mutating func one(_ matches: (UInt32) -> Bool) -> Bool {
            guard position < scalars.count, matches(scalars[position]) else { return false }
            position += 1
            return true
        }

        /// Zero or more; always true.
        mutating func many(_ matches: (UInt32) -> Bool) -> Bool {
            while one(matches) {}
            return true
        }

        /// One or more.
        mutating func some(_ matches: (UInt32) -> Bool) -> Bool {
            guard one(matches) else { return false }
            return many(matches)
        }

        /// Between `count.lowerBound` and `count.upperBound` digits, as many as there are.
        mutating func digits(_ count: ClosedRange<Int>) -> Bool {
            var taken = 0
            while taken < count.upperBound, one(Self.digit) { taken += 1 }
            return taken >= count.lowerBound
        }

        /// `(:[0-5]?[0-9])+`: a two-digit part takes both digits when the first is 0-5, since
        /// a digit left over could not go on (what follows is `:`, `.` or the end).
        mutating func sexagesimal() -> Bool {
            var parts = 0
            while literal(":") {
                guard position < scalars.count, Self.digit(scalars[position]) else { return false }
                let first = scalars[position]
                position += 1
                if (0x30...0x35).contains(first), position < scalars.count, Self.digit(scalars[position]) { position += 1 }
                parts += 1
            }
            return parts > 0
        }
    }
}
