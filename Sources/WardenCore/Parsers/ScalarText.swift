/// Typing of the words found in command output: `42` is an int, `0.5` a
/// number, `true`/`false` bools, anything else stays text, so that
/// expressions compare numbers as numbers (`result.replica_count > 3`).
enum ScalarText {
    static func value(_ text: String) -> Value {
        if let number = Int(text) { return .int(number) }
        if text.contains(where: { $0.isNumber }), !text.hasPrefix("+"), let number = Double(text), number.isFinite,
           text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "E" }) {
            return .double(number)
        }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: return .string(text)
        }
    }

    /// As `value`, and a percentage (`18%`, `0.5%`) is the number before its
    /// sign, so `result[0].Capacity > 90` works on `df` output. Only the
    /// generic parsers (`lines`, `kv`, `table`) use it: the database parsers
    /// document their own typing, and a regex captures what its pattern says.
    static func measure(_ text: String) -> Value {
        if text.count > 1, text.hasSuffix("%") {
            let number = value(String(text.dropLast()))
            switch number {
            case .int, .double: return number
            default: break
            }
        }
        return value(text)
    }
}
