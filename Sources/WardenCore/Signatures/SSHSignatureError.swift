/// A record that could not be signed, or whose signature does not hold: the
/// message says which key, which file and what to do.
public struct SSHSignatureError: Error, Sendable, CustomStringConvertible {
    /// Whether signing failed, the signature was checked and found wanting, or
    /// it could not be checked: only `.doesNotVerify` says the record is not to be trusted.
    public enum Kind: Sendable, Equatable {
        /// ssh-keygen would not sign (a missing or unreadable key, a wrong passphrase, no agent),
        /// or the message could not be handed to it.
        case cannotSign
        /// ssh-keygen checked the signature and refused it: not made by a key the allowed signers list for the principal.
        case doesNotVerify
        /// The signature could not be checked at all (the message or signature could not be handed to ssh-keygen).
        case cannotVerify
        /// The private temporary folder ssh-keygen works in could not be created.
        case noWorkFolder
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
