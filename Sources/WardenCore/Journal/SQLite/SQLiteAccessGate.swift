import Synchronization

/// The turn of each access to a state folder's journal: one at a time, as GRDB's queue runs
/// them anyway, but urgent ones first. GRDB's queue serves accesses in the order they were
/// asked; behind a burst of run writes (twenty runs starting, each syncing to disk), a lease
/// renewal could wait long enough for its lease to run short, and an alert delivery's answer
/// long enough for Alertmanager to time out. Through this gate they wait only for the access
/// under way.
final class SQLiteAccessGate: Sendable {
    private struct Waiters {
        var busy = false
        var urgent: [CheckedContinuation<Void, Never>] = []
        var urgentHead = 0
        var normal: [CheckedContinuation<Void, Never>] = []
        var normalHead = 0

        /// The next waiter, urgent ones first; nil (and the gate free) when nobody waits.
        mutating func next() -> CheckedContinuation<Void, Never>? {
            if urgentHead < urgent.count {
                defer { urgentHead += 1; compact() }
                return urgent[urgentHead]
            }
            if normalHead < normal.count {
                defer { normalHead += 1; compact() }
                return normal[normalHead]
            }
            busy = false
            return nil
        }

        /// Drops the served waiters once they are the larger part of a queue.
        private mutating func compact() {
            if urgentHead > 32 && urgentHead * 2 > urgent.count {
                urgent.removeFirst(urgentHead)
                urgentHead = 0
            }
            if normalHead > 32 && normalHead * 2 > normal.count {
                normal.removeFirst(normalHead)
                normalHead = 0
            }
        }
    }

    private let waiters = Mutex(Waiters())

    /// How many accesses wait for their turn now (for tests and diagnostics).
    var waiting: Int {
        waiters.withLock { ($0.urgent.count - $0.urgentHead) + ($0.normal.count - $0.normalHead) }
    }

    /// Runs `body` in its turn. Not cancellable: a journal write must land whatever the caller.
    func inTurn<T>(urgent: Bool = false, _ body: () async throws -> T) async rethrows -> T {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let now: Bool = waiters.withLock { state in
                if !state.busy {
                    state.busy = true
                    return true
                }
                if urgent { state.urgent.append(turn) } else { state.normal.append(turn) }
                return false
            }
            if now { turn.resume() }
        }
        defer { waiters.withLock { $0.next() }?.resume() }
        return try await body()
    }
}
