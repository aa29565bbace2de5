/// The bounds a download stays within (see `SSHSession.download`): a
/// collected path must not be able to fill the controller's disk, hold a
/// worker past its step's timeout, or stand in for a file nobody listed.
public struct DownloadLimits: Sendable, Hashable {
    /// The largest file accepted, in bytes; nil: no cap other than the size
    /// the host reported for the file when the download began.
    public var maxBytes: Int?
    /// For the whole download, from starting SFTP to the file in place; nil: none.
    public var timeout: Duration?
    /// Fetch the file a symbolic link points to instead of refusing the link.
    public var followSymlinks: Bool

    public init(maxBytes: Int? = nil, timeout: Duration? = nil, followSymlinks: Bool = false) {
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.followSymlinks = followSymlinks
    }
}
