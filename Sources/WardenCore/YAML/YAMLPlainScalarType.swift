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
/// The rules read the text's UTF-8 bytes in place and allocate nothing: a document may
/// hold a million scalars (an alias can repeat one that often before the loader's node
/// limit stops it), and the tests run in debug builds, where a first version that
/// copied the text and built its alternatives per call took 40 µs a scalar.
///
/// As ICU's `$` does, a match may end before one line terminator that ends the text.
enum YAMLPlainScalarType {
    static func tag(of text: String) -> Tag.Name {
        var text = text
        return text.withUTF8 { tag(of: $0) }
    }

    private static func tag(of bytes: UnsafeBufferPointer<UInt8>) -> Tag.Name {
        // Most scalars are words: whatever cannot start a typed scalar is text at once.
        guard let first = bytes.first else { return .null }
        if !mayStartATypedScalar(first) { return .str }
        let end = bytes.count - finalLineTerminatorLength(bytes)
        let text = Cursor(bytes: bytes, end: end)
        // Every rule is ASCII: a text with anything else before its end is text.
        if text.hasNonASCII { return .str }
        if isBool(text) { return .bool }
        if isInt(text) { return .int }
        if isFloat(text) { return .float }
        if text.isExactly("<<") { return .merge }
        if text.isEmpty || text.isExactly("~") || text.isExactly("null") || text.isExactly("Null") || text.isExactly("NULL") { return .null }
        if isTimestamp(text) { return .timestamp }
        if text.isExactly("=") { return .value }
        return .str
    }

    /// The first bytes of `yes`/`no`/`true`/`false`/`on`/`off` in their three cases, of
    /// numbers and times, `.inf`/`.nan`, `<<`, `~`, `null` and `=`, and of blanks and line
    /// ends (U+0085, U+2028 and U+2029 start with 0xC2 and 0xE2 in UTF-8).
    private static func mayStartATypedScalar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39: true  // 0-9
        case 0x2B, 0x2D, 0x2E, 0x3C, 0x3D, 0x7E: true  // + - . < = ~
        case 0x59, 0x79, 0x4E, 0x6E, 0x54, 0x74, 0x46, 0x66, 0x4F, 0x6F: true  // Y y N n T t F f O o
        // Blanks and line ends: left to the rules, which match them as Yams does.
        case 0x09...0x0D, 0x20, 0xC2, 0xE2: true
        default: false
        }
    }

    /// How many bytes the one line terminator ending the text takes (ICU's `$` may match
    /// before it): CR LF, LF, VT, FF, CR, U+0085, U+2028 or U+2029; 0 when there is none.
    private static func finalLineTerminatorLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count
        guard let last = bytes.last else { return 0 }
        switch last {
        case 0x0A:
            return count >= 2 && bytes[count - 2] == 0x0D ? 2 : 1
        case 0x0B, 0x0C, 0x0D:
            return 1
        case 0x85:
            return count >= 2 && bytes[count - 2] == 0xC2 ? 2 : 0
        case 0xA8, 0xA9:
            return count >= 3 && bytes[count - 3] == 0xE2 && bytes[count - 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }

    private static func isBool(_ text: Cursor) -> Bool {
        switch text.count {
        case 2: text.isExactly("no") || text.isExactly("No") || text.isExactly("NO") || text.isExactly("on") || text.isExactly("On")
            || text.isExactly("ON")
        case 3: text.isExactly("yes") || text.isExactly("Yes") || text.isExactly("YES") || text.isExactly("off") || text.isExactly("Off")
            || text.isExactly("OFF")
        case 4: text.isExactly("true") || text.isExactly("True") || text.isExactly("TRUE")
        case 5: text.isExactly("false") || text.isExactly("False") || text.isExactly("FALSE")
        default: false
        }
    }

    /// `[-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`
    private static func isInt(_ text: Cursor) -> Bool {
        do {
            var text = text
            text.sign()
            if text.literal("0b") && text.some(Cursor.binary) && text.atEnd { return true }
        }
        do {
            var text = text
            text.sign()
            if text.literal("0") {
                _ = text.literal("o")
                if text.some(Cursor.octal) && text.atEnd { return true }
            }
        }
        do {
            var text = text
            text.sign()
            if (text.literal("0") || (text.one(Cursor.nonZeroDigit) && text.many(Cursor.digitOrUnderscore))) && text.atEnd { return true }
        }
        do {
            var text = text
            text.sign()
            if text.literal("0x") && text.some(Cursor.hexadecimal) && text.atEnd { return true }
        }
        var text = text
        text.sign()
        return text.one(Cursor.nonZeroDigit) && text.many(Cursor.digitOrUnderscore) && text.sexagesimal() && text.atEnd
    }

    /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)?
    /// | [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
    private static func isFloat(_ text: Cursor) -> Bool {
        if isDecimal(text) { return true }
        do {
            var text = text
            if text.literal("."), text.some(Cursor.digitOrUnderscore) {
                if text.one(Cursor.exponentMark) {
                    if text.one(Cursor.plusOrMinus), text.some(Cursor.digit), text.atEnd { return true }
                } else if text.atEnd {
                    return true
                }
            }
        }
        do {
            var text = text
            text.sign()
            if text.one(Cursor.digit), text.many(Cursor.digitOrUnderscore), text.sexagesimal(), text.literal("."),
               text.many(Cursor.digitOrUnderscore), text.atEnd {
                return true
            }
        }
        do {
            var text = text
            text.sign()
            if text.literal("."), text.literal("inf") || text.literal("Inf") || text.literal("INF"), text.atEnd { return true }
        }
        var text = text
        return text.literal(".") && (text.literal("nan") || text.literal("NaN") || text.literal("NAN")) && text.atEnd
    }

    /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?`
    private static func isDecimal(_ text: Cursor) -> Bool {
        var text = text
        text.sign()
        guard text.one(Cursor.digit) else { return false }
        _ = text.many(Cursor.digitOrUnderscore)
        if text.literal(".") { _ = text.many(Cursor.digitOrUnderscore) }
        if text.one(Cursor.exponentMark) {
            text.sign()
            guard text.some(Cursor.digit) else { return false }
        }
        return text.atEnd
    }

    /// `[0-9]{4}-[0-9]{2}-[0-9]{2}
    /// | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?`
    private static func isTimestamp(_ text: Cursor) -> Bool {
        do {
            var text = text
            if text.digits(4...4), text.literal("-"), text.digits(2...2), text.literal("-"), text.digits(2...2), text.atEnd { return true }
        }
        var text = text
        guard text.digits(4...4), text.literal("-"), text.digits(1...2), text.literal("-"), text.digits(1...2) else { return false }
        guard text.one(Cursor.timeMark) || text.some(Cursor.blank) else { return false }
        guard text.digits(1...2), text.literal(":"), text.digits(2...2), text.literal(":"), text.digits(2...2) else { return false }
        if text.literal(".") { _ = text.many(Cursor.digit) }
        if text.atEnd { return true }
        // The zone, after optional blanks: `Z`, or `+H`, `-HH`, `+HH:MM`.
        _ = text.many(Cursor.blank)
        if text.literal("Z") { return text.atEnd }
        guard text.one(Cursor.plusOrMinus), text.digits(1...2) else { return false }
        if text.literal(":") { guard text.digits(2...2) else { return false } }
        return text.atEnd
    }
}

extension YAMLPlainScalarType {
    /// A cursor over a scalar's UTF-8 bytes up to `end` for the matchers above. Every
    /// pattern here is deterministic (each repetition stops at a character the rest cannot
    /// start with, or is bounded and tried longest first where the rest tells), so greedy
    /// matching without backtracking decides as the regular expressions do. A copy is a
    /// new attempt from where the original stands.
    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        let end: Int
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>, end: Int) {
            self.bytes = bytes
            self.end = end
        }

        static func digit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        static func nonZeroDigit(_ byte: UInt8) -> Bool { (0x31...0x39).contains(byte) }
        static func digitOrUnderscore(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) || byte == 0x5F }
        static func binary(_ byte: UInt8) -> Bool { byte == 0x30 || byte == 0x31 || byte == 0x5F }
        static func octal(_ byte: UInt8) -> Bool { (0x30...0x37).contains(byte) || byte == 0x5F }
        static func hexadecimal(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) || byte == 0x5F
        }
        static func plusOrMinus(_ byte: UInt8) -> Bool { byte == 0x2B || byte == 0x2D }
        static func blank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        static func exponentMark(_ byte: UInt8) -> Bool { byte == 0x65 || byte == 0x45 }
        static func timeMark(_ byte: UInt8) -> Bool { byte == 0x54 || byte == 0x74 }

        /// The length of the text the rules read.
        var count: Int { end }
        var isEmpty: Bool { end == 0 }
        var atEnd: Bool { position == end }

        var hasNonASCII: Bool {
            for index in 0..<end where bytes[index] >= 0x80 { return true }
            return false
        }

        /// Whether the whole text is `word`.
        func isExactly(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == end else { return false }
            return word.withUTF8Buffer { word in
                for index in 0..<end where word[index] != bytes[index] { return false }
                return true
            }
        }

        /// An optional `+` or `-`.
        mutating func sign() {
            _ = one(Self.plusOrMinus)
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let length = word.utf8CodeUnitCount
            guard end - position >= length else { return false }
            let matches = word.withUTF8Buffer { word in
                for index in 0..<length where word[index] != bytes[position + index] { return false }
                return true
            }
            if matches { position += length }
            return matches
        }

        mutating func one(_ matches: (UInt8) -> Bool) -> Bool {
            guard position < end, matches(bytes[position]) else { return false }
            position += 1
            return true
        }

        /// Zero or more; always true.
        mutating func many(_ matches: (UInt8) -> Bool) -> Bool {
            while one(matches) {}
            return true
        }

        /// One or more.
        mutating func some(_ matches: (UInt8) -> Bool) -> Bool {
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
                guard position < end, Self.digit(bytes[position]) else { return false }
                let first = bytes[position]
                position += 1
                if (0x30...0x35).contains(first), position < end, Self.digit(bytes[position]) { position += 1 }
                parts += 1
            }
            return parts > 0
        }
    }
}
