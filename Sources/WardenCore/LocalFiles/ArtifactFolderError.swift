/// A run's artifact folder that cannot be used safely: a planted link, a
/// folder someone else owns, or one that cannot be created. Its message
/// names the path, what was found and what to do.
public struct ArtifactFolderError: Error, Sendable, CustomStringConvertible {
    /// What stopped Warden from using the folder; the unsafe kinds are refused
    /// on purpose, the others are failures of the file system.
    public enum Kind: Sendable, Equatable {
        /// A host or file name that cannot name an entry below the folder (a '/', '..', or nothing).
        case invalidName
        /// The path names no folder of its own (`/`, `..`), or names something that is not a folder.
        case notAFolder
        /// A symbolic link stands where a folder or file was to be: refused, as it could send writes elsewhere.
        case plantedLink
        /// The folder belongs to another user.
        case notYours
        /// A path kept changing while it was opened: someone else is working on it.
        case keepsChanging
        /// A system call failed (create, open, write, examine, chmod); the message quotes the system's reason.
        case systemFailure
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
