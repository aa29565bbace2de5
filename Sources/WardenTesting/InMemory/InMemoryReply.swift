import WardenCore

/// What an in-memory host does with a command: exit with output, be killed
/// by a signal, fail the way the SSH transport fails, or take its time on the
/// transport's clock.
public indirect enum InMemoryReply: Sendable {
    /// The command ran and exited with `status`.
    case exit(Int32, stdout: String = "", stderr: String = "")
    /// The command was killed on the host by `signal` (`KILL`, `SEGV`): no exit status, as sshd reports it.
    case killed(signal: String, stdout: String = "", stderr: String = "")
    /// The transport fails with `kind`, as the SSH transport would (`channelFailure`, `authFailed`...).
    case fail(TransportError.Kind, detail: String? = nil)
    /// The session dies while the command runs (`channelFailure`, with what it printed so far):
    /// the command may or may not have finished on the host. The next command gets a new session.
    case sessionLost(stdout: String = "")
    /// The command never ends by itself: it runs until its timeout (`commandTimedOut`, timed by
    /// the transport's clock), until the caller is cancelled (`cancelled`), or until the test ends
    /// it (`InMemoryTransport.finishHanging`).
    case hang(stdout: String = "")
    /// The command takes `duration` on the transport's clock, then replies `reply`; its timeout
    /// and cancellation cut it short as with `hang`.
    case after(Duration, InMemoryReply)

    /// Exit 0 with `stdout`.
    public static func success(_ stdout: String = "") -> InMemoryReply {
        .exit(0, stdout: stdout)
    }
}
