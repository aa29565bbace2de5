/// `lock:` of a runbook: the name of the lock a run holds while it acts, so
/// two runs cannot change one cluster at once. With `on:`, the lock is also
/// taken as a lock directory on that target's one host, so that operators
/// on two controllers (two state folders) exclude each other too.
public struct LockSpec: Sendable {
    /// Rendered as text (not shell-quoted) from params.
    public let name: Template
    /// The target whose single host holds the lock directory.
    public let target: String?
    let targetLocation: SourceLocation?
    /// How long the lock outlives a controller that stops renewing it.
    public let lease: Duration

    public init(name: Template, target: String? = nil, targetLocation: SourceLocation? = nil, lease: Duration = RunLock.defaultLease) {
        self.name = name
        self.target = target
        self.targetLocation = targetLocation
        self.lease = lease
    }
}
