import Foundation
import WardenCore

/// The daemon's journal store: the state folder's, with every write timed
/// (`warden_journal_append_seconds`) and signalled to the streams waiting for
/// new events. It changes nothing of what is stored.
struct SignallingJournalStore: JournalStore {
    let base: any JournalStore
    let signal: ChangeSignal
    let timed: @Sendable (Double) -> Void

    var location: String { base.location }
    var localFolder: String? { base.localFolder }

    func read<T: Sendable>(_ body: @escaping @Sendable (any JournalReader) throws -> T) async throws(JournalError) -> T {
        try await base.read(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await signalled { () async throws(JournalError) in try await base.write(body) }
    }

    func writeAhead<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await signalled { () async throws(JournalError) in try await base.writeAhead(body) }
    }

    /// `write`, timed and signalled.
    private func signalled<T>(_ write: () async throws(JournalError) -> T) async throws(JournalError) -> T {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            timed(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            signal.notify()
        }
        return try await write()
    }

    func writeUrgently<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await base.writeUrgently(body)
    }

    func claimWork(controller: String, lease: Duration, at now: Date) async throws(JournalError) -> WorkItem? {
        defer { signal.notify() }
        return try await base.claimWork(controller: controller, lease: lease, at: now)
    }

    func renewLease(_ fence: RunFence, for lease: Duration, at now: Date) async throws(JournalError) -> (until: Double, stopRequest: String?) {
        try await base.renewLease(fence, for: lease, at: now)
    }

    func signals() -> AsyncStream<JournalSignal>? {
        base.signals()
    }
}
