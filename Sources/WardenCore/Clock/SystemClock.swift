import Foundation

/// The machine's clocks: `Date()` for the wall time and `ContinuousClock`
/// (which keeps counting while the machine sleeps, as a remote command's
/// deadline does) for the monotonic time. What every run uses unless a test
/// hands the engine another clock.
public struct SystemClock: EngineClock {
    public init() {}

    public var now: Date { Date() }

    public var instant: ContinuousClock.Instant { ContinuousClock.now }

    public func sleep(until deadline: ContinuousClock.Instant) async throws(CancellationError) {
        do {
            try await Task.sleep(until: deadline, clock: .continuous)
        } catch {
            // Task.sleep throws nothing but cancellation.
            throw CancellationError()
        }
    }
}

extension EngineClock where Self == SystemClock {
    /// The machine's clocks (`SystemClock`).
    public static var system: SystemClock { SystemClock() }
}
