/// Why a host pattern selects nothing usable. Selection never falls back to
/// "all hosts": a typo must stop a run, not widen it.
public struct SelectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Whether the pattern itself is wrong or the inventory does not have what it names.
    public enum Kind: Sendable, Hashable {
        /// The pattern cannot be read: empty, an empty term, an operator without a name, an
        /// invalid character, or only exclusions or intersections with nothing to narrow down.
        case invalidPattern
        /// A name or glob in the pattern matches no host or group in the inventory.
        case unknownName
        /// Every term is known, but together they leave no host.
        case selectsNothing
    }

    public let kind: Kind
    /// The pattern as given.
    public let pattern: String
    /// What is wrong; names the pattern.
    public let message: String
    /// A suggestion such as "did you mean 'web'?".
    public let hint: String?

    public init(_ kind: Kind, pattern: String, message: String, hint: String? = nil) {
        self.kind = kind
        self.pattern = pattern
        self.message = message
        self.hint = hint
    }

    public var description: String {
        hint.map { "\(message); \($0)" } ?? message
    }
}
