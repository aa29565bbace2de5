/// Why a host pattern selects nothing usable. Selection never falls back to
/// "all hosts": a typo must stop a run, not widen it.
public struct SelectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pattern as given.
    public let pattern: String
    /// What is wrong; names the pattern.
    public let message: String
    /// A suggestion such as "did you mean 'web'?".
    public let hint: String?

    public init(pattern: String, message: String, hint: String? = nil) {
        self.pattern = pattern
        self.message = message
        self.hint = hint
    }

    public var description: String {
        hint.map { "\(message); \($0)" } ?? message
    }
}
