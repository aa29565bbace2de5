import Foundation

/// Where the engine reads the time and waits for it: the run's steps,
/// watches, waits, retries, windows, lock leases and deadman times all go
/// through one clock, so that a test can hand the engine a clock it moves by
/// hand (`TestClock` in WardenTesting) instead of waiting for real seconds.
///
/// Two readings, because they answer different questions: `now` is the wall
/// clock (a maintenance window, a lease's expiry and a deadman's firing time
/// are stated in it, and it may be set back or forward under a running
/// process); `instant` is monotonic (timeouts, intervals and deadlines are
/// measured with it, so setting the wall clock cannot shorten or stretch them).
public protocol EngineClock: Sendable {
    /// The wall-clock time.
    var now: Date { get }
    /// The monotonic time, to measure durations and set deadlines with.
    var instant: ContinuousClock.Instant { get }
    /// Suspends the calling task until `deadline` (at once when it has
    /// passed). Throws when the task is cancelled first, so that a cancelled
    /// run stops waiting at once.
    func sleep(until deadline: ContinuousClock.Instant) async throws(CancellationError)
}

extension EngineClock {
    /// Suspends the calling task for `duration`; throws when it is cancelled first.
    public func sleep(for duration: Duration) async throws(CancellationError) {
        try await sleep(until: instant + duration)
    }
}
