/// One remote command and the limits it runs under.
public struct ExecRequest: Sendable {
    /// A shell command line, run by the login shell of the remote user.
    /// Callers quote parameters themselves (see `ShellQuoting`).
    public var command: String
    /// After this long the remote process group is killed and the command
    /// fails as timed out. Nil: no deadline (cancellation still works).
    public var deadline: Duration?
    /// How much of each stream is kept: the first `head` and last `tail` bytes.
    public var outputLimit: OutputLimit
    /// Learn the command's process group on the host (sshd gives each session
    /// its own), so that a timeout or cancellation kills everything it
    /// started. Needs a POSIX login shell, as nearly every host has.
    public var killProcessGroupOnStop: Bool
    /// Contents of files the command reads its secrets from. They are sent
    /// through the channel's stdin, never on a command line, and written on the
    /// host to files `1`…`N` of a fresh 0700 folder that `WARDEN_SECRETS` names
    /// while the command runs and that is removed when it ends (see
    /// `SecretFilesWrapper`). Any file implies the process-group wrapper; the
    /// command's stdin is then at end of file.
    public var secretFiles: [[UInt8]]
    /// Told the command's process group on the host (and its leader's start
    /// time, when the host has /proc) as soon as it starts, on a pool thread:
    /// the caller journals it so that a resume can find the command still running.
    public var onProcessGroup: (@Sendable (Int32, String?) -> Void)?
    /// Not sent once the instant it returns has passed: asked on the SSH thread just before the
    /// request leaves. A run's controller answers the end of its hold on the run (`RunLease`),
    /// so a process paused between deciding to send and sending sends nothing when it wakes.
    public var sendBefore: (@Sendable () -> ContinuousClock.Instant)?
    /// Run as another user through sudo (see `SudoWrapper`); nil: the login user.
    /// Implies the process-group wrapper: a stop must be able to kill it.
    public var become: ExecBecome?

    public init(
        command: String, deadline: Duration? = nil,
        outputLimit: OutputLimit = .default, killProcessGroupOnStop: Bool = true, secretFiles: [[UInt8]] = []
    ) {
        self.command = command
        self.deadline = deadline
        self.outputLimit = outputLimit
        self.killProcessGroupOnStop = killProcessGroupOnStop
        self.secretFiles = secretFiles
    }
}

/// The per-stream capture cap.
public struct OutputLimit: Sendable, Hashable {
    public var head: Int
    public var tail: Int

    public init(head: Int, tail: Int) {
        self.head = max(0, head)
        self.tail = max(0, tail)
    }

    /// 8 MiB per stream: 4 MiB of head and 4 MiB of tail.
    public static let `default` = OutputLimit(head: 4 << 20, tail: 4 << 20)
}
