import Synchronization

/// Until when commands may leave for hosts under a controller's hold on a run, read at the last
/// moment before each one is sent (`RemoteCommand.sendBefore`). The hold moves it forward with
/// every renewal; while the process is paused nothing renews it, so a command that was about to
/// leave when the pause began is refused when it wakes, however long it waited on a connection.
public final class SendDeadline: Sendable, Hashable {
    private let deadline: Mutex<ContinuousClock.Instant>

    public init(_ instant: ContinuousClock.Instant) {
        deadline = Mutex(instant)
    }

    /// The instant (of `ContinuousClock`) past which nothing is sent.
    public var instant: ContinuousClock.Instant { deadline.withLock { $0 } }

    /// Moves the deadline to `instant`, never back.
    func extend(to instant: ContinuousClock.Instant) {
        deadline.withLock { $0 = max($0, instant) }
    }

    /// Ends it: nothing is sent from now on.
    func close() {
        deadline.withLock { $0 = ContinuousClock.Instant.now - .seconds(1) }
    }

    public static func == (lhs: SendDeadline, rhs: SendDeadline) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
