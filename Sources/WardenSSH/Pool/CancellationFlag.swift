import Synchronization

/// Tells blocking work running on a pool thread that its caller gave up.
///
/// The blocking loops (exec, transfer) poll it between short waits, so a
/// cancelled task is noticed within one poll interval.
final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    public init() {}

    public var isCancelled: Bool { state.load(ordering: .acquiring) }

    public func cancel() { state.store(true, ordering: .releasing) }
}
