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
}
