import Foundation
import WardenCore

/// A clock that stands still until the test moves it, for the engine's
/// `EngineClock`: a watch every 10 s, a 3 s lease or a 6 h deadman take no
/// real time, and happen in the order the test decides.
///
/// Tasks that sleep on it (`sleep(until:)`) wake only when `advance(by:)` or
/// `advance(to:)` moves the time past their deadline, or when they are
/// cancelled. A test does not guess when the engine has gone to sleep: it
/// awaits `waitUntilAsleep(_:)`, which returns once exactly that many tasks
/// sleep on the clock, and only then moves the time:
///
/// ```swift
/// let clock = TestClock()
/// let run = Task { await Runner.run(context: context, transport: transport, artifacts: folder) }
/// try await clock.waitUntilAsleep(2)   // the watch, and the step's command (hanging until its timeout)
/// clock.advance(by: .seconds(10))      // the watch takes its next sample
/// try await clock.waitUntilAsleep(2)
/// ```
///
/// Wall time (`now`) and monotonic time (`instant`) move together.
public final class TestClock: EngineClock, @unchecked Sendable {
    /// A task asleep until `deadline`, resumed with true when woken by time, false when cancelled.
    private struct Sleeper {
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Bool, Never>
    }

    /// A task in `waitUntilAsleep`, resumed with true when the count of sleepers is `count`,
    /// with false when its real-time limit ran out first (`limit`, the timer that ends it).
    private struct Watcher {
        let count: Int
        let continuation: CheckedContinuation<Bool, Never>
        var limit: Task<Void, Never>?
    }

    // Everything below is guarded by `lock`: sleepers register from any thread.
    private let lock = NSLock()
    private let wallOrigin: Date
    private let origin: ContinuousClock.Instant
    private var offset: Duration = .zero
    private var nextID: UInt64 = 0
    private var sleepers: [UInt64: Sleeper] = [:]
    /// Sleeps cancelled before they registered: they must not register afterwards.
    private var cancelledEarly: Set<UInt64> = []
    private var watchers: [UInt64: Watcher] = [:]

    /// A clock whose wall time starts at `now` (by default a fixed moment,
    /// so that a test reads the same dates on every run).
    public init(now: Date = Date(timeIntervalSince1970: 1_750_000_000)) {
        wallOrigin = now
        origin = ContinuousClock.now
    }

    public var now: Date {
        lock.withLock { wallOrigin.addingTimeInterval(Self.seconds(offset)) }
    }

    public var instant: ContinuousClock.Instant {
        lock.withLock { origin + offset }
    }

    /// How far the test has moved the clock since it was made.
    public var elapsed: Duration {
        lock.withLock { offset }
    }

    /// How many tasks sleep on the clock now.
    public var sleeperCount: Int {
        lock.withLock { sleepers.count }
    }

    /// The earliest deadline a task sleeps until, if any sleeps.
    public var nextDeadline: ContinuousClock.Instant? {
        lock.withLock { sleepers.values.map(\.deadline).min() }
    }

    public func sleep(until deadline: ContinuousClock.Instant) async throws(CancellationError) {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        let woke = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer: Bool? = lock.withLock {
                    if cancelledEarly.remove(id) != nil { return false }
                    if deadline <= origin + offset { return true }
                    sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let answer {
                    continuation.resume(returning: answer)
                } else {
                    notifyWatchers()
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = lock.withLock {
                guard let sleeper = sleepers.removeValue(forKey: id) else {
                    // Not registered yet (or already woken: then the mark is never read, and is dropped with the clock).
                    cancelledEarly.insert(id)
                    return nil
                }
                return sleeper
            }
            if let sleeper {
                sleeper.continuation.resume(returning: false)
                notifyWatchers()
            }
        }
        if !woke { throw CancellationError() }
    }

    /// Moves the time on by `duration` and wakes every task whose deadline
    /// it reaches, earliest first. It does not wait for them to run: await
    /// `waitUntilAsleep(_:)` for that.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a clock does not go back")
        let woken: [Sleeper] = lock.withLock {
            offset += duration
            let now = origin + offset
            let due = sleepers.filter { $0.value.deadline <= now }.sorted { $0.value.deadline < $1.value.deadline }
            for (id, _) in due { sleepers.removeValue(forKey: id) }
            return due.map(\.value)
        }
        for sleeper in woken { sleeper.continuation.resume(returning: true) }
        if !woken.isEmpty { notifyWatchers() }
    }

    /// Moves the time on to `instant` (nothing happens when it has passed).
    public func advance(to instant: ContinuousClock.Instant) {
        let left = instant - self.instant
        if left > .zero { advance(by: left) }
    }

    /// Moves the time on to the earliest deadline a task sleeps until, waking
    /// it (and any other due then); returns false when no task sleeps.
    @discardableResult
    public func advanceToNextDeadline() -> Bool {
        guard let next = nextDeadline else { return false }
        advance(to: next)
        return true
    }

    /// Returns once exactly `count` tasks sleep on the clock: the engine has
    /// done all it can before time moves on. Fails with `TestClock.Stall`
    /// (naming how many sleep) when that does not happen within `limit` of
    /// real time, so a test that expects the wrong number fails instead of hanging.
    /// The limit is generous (a loaded 2-core CI machine once took over 10 s to get
    /// there): a right count returns at once, a wrong one only fails later.
    public func waitUntilAsleep(_ count: Int, limit: Duration = .seconds(60)) async throws(TestClock.Stall) {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        let reached = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let done: Bool = lock.withLock {
                if sleepers.count == count { return true }
                watchers[id] = Watcher(count: count, continuation: continuation)
                return false
            }
            if done {
                continuation.resume(returning: true)
                return
            }
            // The guard against a test that waits for the wrong count: real time, not the clock's.
            let timer = Task.detached { [weak self] in
                do {
                    try await Task.sleep(for: limit)
                } catch {
                    return
                }
                self?.giveUp(id)
            }
            let stillWaiting = lock.withLock { () -> Bool in
                guard watchers[id] != nil else { return false }
                watchers[id]?.limit = timer
                return true
            }
            if !stillWaiting { timer.cancel() }
        }
        guard reached else {
            throw Stall(expected: count, asleep: sleeperCount, elapsed: elapsed)
        }
    }

    private func giveUp(_ id: UInt64) {
        let watcher = lock.withLock { watchers.removeValue(forKey: id) }
        watcher?.continuation.resume(returning: false)
    }

    /// Resumes the watchers whose count of sleepers is reached.
    private func notifyWatchers() {
        let ready: [Watcher] = lock.withLock {
            let count = sleepers.count
            let matching = watchers.filter { $0.value.count == count }
            for (id, _) in matching { watchers.removeValue(forKey: id) }
            return matching.map(\.value)
        }
        for watcher in ready {
            watcher.limit?.cancel()
            watcher.continuation.resume(returning: true)
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
