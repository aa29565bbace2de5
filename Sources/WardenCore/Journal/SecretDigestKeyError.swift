/// A secret digest key (`SecretDigestKey`) that cannot be made, read or
/// trusted: a planted link, someone else's file, one others can read, one of
/// the wrong size. Its message names the file, what was found and what to do.
public struct SecretDigestKeyError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the key file; each calls for a different fix.
    public enum Kind: Sendable, Equatable {
        /// The state folder or the key file could not be created or written.
        case cannotCreate
        /// There is no key file where one was expected.
        case missing
        /// The key file exists but cannot be read (another user's key, or a failing read).
        case unreadable
        /// The file is not one Warden can take for this user's key: a planted link, extra hard
        /// links, another owner, or a mode that lets others read it.
        case untrusted
        /// The file is longer or shorter than a key: not a key, or one whose writing was cut short.
        case wrongSize
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
