import Foundation

/// Where a journal keeps its records: runs and their events, approvals,
/// locks, signed checkpoints and the audit log. `Journal` is what callers
/// use; a store only keeps and returns records.
///
/// A store decides nothing. How events and audit records are numbered and
/// chained, what each action's audit record says, when a lock may be taken
/// over, and how a journal is verified all live in `Journal`, written once
/// over `read` and `write`, so every store behaves alike. A new one implements
/// these two calls and `JournalReader`/`JournalWriter`, and passes
/// `JournalConformance` (in WardenTesting). Shipped: `SQLiteJournalStore` (a
/// state folder), `MemoryJournalStore` (tests), and `PostgresJournalStore`
/// (WardenPostgres: one journal several controllers share, whose
/// `databaseTime` is the clock their leases are judged by).
///
/// What a store guarantees:
/// - `write` runs `body` as one transaction: all of its changes are kept or
///   none; it is serialized with every other writer of the same journal, in
///   this process or another, on this machine or another (the audit log is
///   one chain: no two writers may both append after the same record); and
///   it is durable when `write` returns, so an intent journaled is on disk
///   before its command leaves for the host.
/// - `read` runs `body` over one consistent state: everything committed
///   before it began, nothing committed during it.
/// - Neither blocks the cooperative thread pool on disk or network I/O.
/// - Records come back exactly as written (every field the hashes cover;
///   times bit for bit), and a stored kind, status, decision or action this
///   version does not know is an error of kind `.unknownValue` naming it
///   (`StoredValue.decode`), never skipped.
/// - An insert whose key is taken (a run id, a run's event sequence, an
///   audit sequence, a lock name) throws: it is the backstop against two
///   writers numbering alike.
///
/// Errors: a `JournalError` thrown in `body` comes out as it is; any other
/// error becomes a `JournalError` of kind `.cannotRead` or `.cannotWrite`
/// naming `location`.
public protocol JournalStore: Sendable {
    /// Where the journal is, for messages: a file, a database (never with its password).
    var location: String { get }

    /// The state folder the store keeps its files in; nil for a store in a database.
    var localFolder: String? { get }

    /// Runs `body` over one consistent view of the journal.
    func read<T: Sendable>(_ body: @escaping @Sendable (any JournalReader) throws -> T) async throws(JournalError) -> T

    /// Runs `body` as one durable transaction, serialized with every other writer.
    func write<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T

    /// `write` for what must not wait behind this process's other writes (a lease renewal, a
    /// heartbeat): a store that queues writes on a few connections gives these one of their own.
    func writeUrgently<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T

    /// `write` for what someone is waiting on to get an answer (an alert delivery, answered once
    /// it is durable): ahead of this process's queued run writes where the store queues them
    /// (SQLite); where writes have connections enough (PostgreSQL), the default, `write`.
    func writeAhead<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T

    /// Claims the oldest claimable work item for `controller` (`Journal.claimWork`). The default
    /// does it in one `write`; a store whose writers could claim in parallel gives each a
    /// different item without serializing them (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
    func claimWork(controller: String, lease: Duration, at now: Date) async throws(JournalError) -> WorkItem?

    /// Extends the lease of the run `fence` holds (`Journal.renewLease`): `.fenced` once another
    /// controller adopted it. The default is one urgent `write`; a store whose writes queue behind
    /// one lock may renew without it, since a renewal touches one row and no audit record.
    func renewLease(_ fence: RunFence, for lease: Duration, at now: Date) async throws(JournalError) -> (until: Double, stopRequest: String?)

    /// The signals other processes' writes send (`JournalWriter.signal`), as they arrive; nil for
    /// a store that sends none (its readers poll).
    func signals() -> AsyncStream<JournalSignal>?
}

extension JournalStore {
    public var localFolder: String? { nil }

    public func writeUrgently<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await write(body)
    }

    public func writeAhead<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await write(body)
    }

    public func claimWork(controller: String, lease: Duration, at now: Date) async throws(JournalError) -> WorkItem? {
        try await write { writer in try Journal.claim(controller: controller, lease: lease, now: now, in: writer) }
    }

    public func renewLease(_ fence: RunFence, for lease: Duration, at now: Date) async throws(JournalError) -> (until: Double, stopRequest: String?) {
        let location = self.location
        // Urgent: a renewal queued behind a burst of run writes would let the lease lapse.
        return try await writeUrgently { writer in try Journal.renew(fence, for: lease, at: now, in: writer, location: location) }
    }

    public func signals() -> AsyncStream<JournalSignal>? { nil }
}
