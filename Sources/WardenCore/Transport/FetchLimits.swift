/// The bounds a fetch stays within, from the `collect` step that asks for
/// it: a host must not be able to fill the controller's disk, hold the run
/// past the step's timeout, or pass off a link to a file nobody listed.
public struct FetchLimits: Sendable, Hashable {
    /// The largest file accepted, in bytes; nil: no cap other than the size
    /// the host reported for the file when the fetch began (a file is never
    /// read past that size either way).
    public var maxBytes: Int?
    /// For the whole fetch; nil: none.
    public var timeout: Duration?
    /// Fetch what a symbolic link points to instead of refusing the link.
    public var followSymlinks: Bool

    public init(maxBytes: Int? = nil, timeout: Duration? = nil, followSymlinks: Bool = false) {
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.followSymlinks = followSymlinks
    }
}
