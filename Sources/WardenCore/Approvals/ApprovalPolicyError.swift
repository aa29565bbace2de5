/// A site approval policy that cannot be trusted or read: its message names
/// the file (with line and column for a mistake in it) and what to do.
public struct ApprovalPolicyError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the policy, for a caller that tells an unsafe file
    /// (an administrator's job) from a mistake in it (its author's).
    public enum Kind: Sendable, Equatable {
        /// The file WARDEN_POLICY names, or a folder on the way to it, cannot be read or examined.
        case unreadable
        /// The file could have been written by someone it binds: a symbolic link on the way,
        /// an owner other than root, or write permission for group or others.
        case untrusted
        /// The file is read but is not a valid policy: bad YAML, a wrong shape, unknown or mistyped fields.
        case invalid
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
