/// Why an `escalate.when` condition was refused.
struct EscalationConditionError: Error, Equatable, CustomStringConvertible {
    let column: Int
    let message: String

    init(column: Int, _ message: String) {
        self.column = column
        self.message = message
    }

    var description: String { message }
}
