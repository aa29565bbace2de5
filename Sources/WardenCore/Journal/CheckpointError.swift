/// A checkpoint that could not be signed or stored.
public struct CheckpointError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// ssh-keygen refused: a missing or unreadable key, a wrong passphrase, no agent.
        case cannotSign
        /// The journal could not be written.
        case cannotRecord
    }

    public let kind: Kind
    public let description: String

    public init(kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
