/// A token file (`TokenFile`) that cannot be read, trusted or written, or a
/// change to it that is refused. The message names the file, what is wrong
/// and what to do; the kind says which of those the caller faces (the CLI's
/// exit status, whether `warden serve` keeps its old tokens on a reload).
public struct TokenFileError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// There is no file at the path. Only `warden token add` takes that for an empty file.
        case missing
        /// The file exists but cannot be opened or read (permissions, an I/O error).
        case unreadable
        /// The file is not one Warden can take for the token file: a symbolic link, not a regular
        /// file, more than one name, another user's, readable or writable by group or others, or
        /// in a folder others could swap it in.
        case untrusted
        /// The file is read but is not a valid token file: bad JSON, an unknown version or role,
        /// a duplicate name, a bad digest or time.
        case malformed
        /// A change asked for is not valid (`add`, `Role(named:)`): a bad or taken name, no
        /// role, an unknown role, an expiry in the past.
        case invalidRequest
        /// `revoke` names a token the file does not have.
        case noSuchToken
        /// The new file could not be written; the old one is left as it was.
        case cannotWrite
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
