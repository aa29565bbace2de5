/// Values for parser results from Swift optionals: a figure the output did
/// not contain becomes `null`, so expressions see every documented key.
enum ParsedValue {
    static func int(_ number: Int?) -> Value { number.map(Value.int) ?? .null }
    static func double(_ number: Double?) -> Value { number.flatMap { $0.isFinite ? Value.double($0) : nil } ?? .null }
    static func string(_ text: String?) -> Value { text.map(Value.string) ?? .null }
    static func strings(_ texts: [String]?) -> Value { texts.map { .list($0.map(Value.string)) } ?? .null }
}
