/// Process-wide settings of an `SSHClient`.
public struct SSHClientSettings: Sendable {
    /// How many hosts are worked on at once: the size of the thread pool.
    public var concurrency: Int
    /// How often idle cached sessions send a keepalive; nil: never.
    var keepaliveInterval: Duration?

    public init(concurrency: Int = 64, keepaliveInterval: Duration? = .seconds(30)) {
        self.concurrency = max(1, concurrency)
        self.keepaliveInterval = keepaliveInterval
    }
}
