import Synchronization

/// Why whoever cancels a run cancels it ("cancelled by alice: the window moved", "the daemon is
/// stopping"), set before the cancellation so the run's end says so, instead of the engine's
/// "interrupted (Ctrl-C or SIGTERM)", which is what a terminal's run can only know.
public final class StopReason: Sendable {
    private let text = Mutex<String?>(nil)

    public init() {}

    /// Records why; the first reason given is kept.
    public func set(_ reason: String) {
        text.withLock { if $0 == nil { $0 = reason } }
    }

    public var reason: String? { text.withLock { $0 } }
}
