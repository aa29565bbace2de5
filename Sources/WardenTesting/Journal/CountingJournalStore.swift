import Foundation
import Synchronization
import WardenCore

/// A journal store that counts its transactions (each one a sync to disk in
/// a real store) and can stop writing, as a controller killed just before a
/// transaction leaves it: for tests that hold Warden to one durable write per
/// step, and tests that kill a run at every point and resume it.
///
/// Reads, writes and everything else go to `base`; while stopped, every
/// write fails (`cannotWrite`, naming why) and nothing of it is kept.
public final class CountingJournalStore: JournalStore {
    public let base: any JournalStore

    private struct State {
        var writes = 0
        var urgentWrites = 0
        /// From this write on (1-based, counted from the store's creation), writes fail.
        var stopAt: Int?
        var stopped: String?
    }
    private let state = Mutex(State())

    public init(base: any JournalStore) {
        self.base = base
    }

    public var location: String { base.location }
    public var localFolder: String? { base.localFolder }

    /// Transactions written so far (lease renewals and heartbeats are counted in `urgentWrites`).
    public var writes: Int { state.withLock { $0.writes } }
    /// `writeUrgently` transactions written so far: a run's lease renewals.
    public var urgentWrites: Int { state.withLock { $0.urgentWrites } }
    /// Why writes fail now, nil while they do not.
    public var stopped: String? { state.withLock { $0.stopped } }

    /// The `transaction`-th write from the store's creation and every one after fail, as if
    /// the controller had died just before it.
    public func stop(atWrite transaction: Int) {
        state.withLock { $0.stopAt = transaction }
    }

    /// Every write from now on fails with `reason`.
    public func stop(_ reason: String) {
        state.withLock { $0.stopped = $0.stopped ?? reason }
    }

    /// Writes are kept again (the next controller opens the journal).
    public func restart() {
        state.withLock {
            $0.stopped = nil
            $0.stopAt = nil
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any JournalReader) throws -> T) async throws(JournalError) -> T {
        try await base.read(body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try admit(urgent: false)
        return try await base.write(body)
    }

    public func writeUrgently<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try admit(urgent: true)
        return try await base.writeUrgently(body)
    }

    public func writeAhead<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try admit(urgent: false)
        return try await base.writeAhead(body)
    }

    public func signals() -> AsyncStream<JournalSignal>? {
        base.signals()
    }

    /// Counts the write, or refuses it once stopped.
    private func admit(urgent: Bool) throws(JournalError) {
        let refusal: String? = state.withLock { state in
            if state.stopped == nil, !urgent, let stopAt = state.stopAt, state.writes + 1 >= stopAt {
                state.stopped = "the controller was killed before write \(state.writes + 1)"
            }
            if state.stopped == nil {
                if urgent { state.urgentWrites += 1 } else { state.writes += 1 }
            }
            return state.stopped
        }
        if let refusal { throw JournalError(.cannotWrite, "cannot write to the journal \(location): \(refusal)") }
    }
}
