import Foundation
import Logging
import NIOSSL
import PostgresNIO
import WardenCore

/// The journal in a PostgreSQL database, for several controllers sharing one: every store
/// promise of `JournalStore`, over connections of its own.
///
/// Serialized: every write transaction first takes a transaction-scoped advisory lock (released
/// by its commit or rollback, so it cannot outlive a pooled or broken connection as a session
/// lock can), which orders all writers of the database the way SQLite's IMMEDIATE transactions
/// order a state folder's: the audit log stays one chain. Consistent: a read is one REPEATABLE
/// READ transaction. Durable: PostgreSQL commits only what is on its disk (`synchronous_commit`
/// left on). Clock: `databaseTime()` is the server's, so the leases of runs are judged alike by
/// every controller.
///
/// A controller frozen inside a write (stopped, a stalled VM, swapping) would hold the write lock,
/// and every other controller's writes with it, for as long as it stays frozen: the server ends a
/// session left idle inside a transaction that takes locks (a write, a claim, a migration) after
/// `idleInTransactionTimeout` (PostgreSQL's `idle_in_transaction_session_timeout`, set for that
/// transaction only), which rolls it back and frees the lock. Warden's writes go from statement
/// to statement in milliseconds. Reads take no locks, hold no one up, and are not bounded: one
/// may work for long between its statements (checking a big journal's audit chain).
///
/// A connection lost before a transaction's COMMIT was sent (the server restarted, the network
/// dropped) is retried on a new connection for up to `patience`: nothing of it was kept, and
/// the run waiting on it sends nothing meanwhile. A COMMIT whose answer was lost is not retried
/// (it may have been kept): the caller sees the error.
public final class PostgresJournalStore: JournalStore {
    public let location: String
    private let lanes: PostgresLanes
    /// A connection of its own for lease renewals and heartbeats, which must not wait behind a
    /// burst of run writes queued for the others (a live controller would lose its runs).
    private let urgentLane: PostgresLanes
    private let patience: Duration
    /// `idleInTransactionTimeout` in milliseconds, as the server takes it.
    private let idleMilliseconds: Int
    private let signalling: PostgresSignals

    /// Connects to `address` (with `password`, if the server wants one), brings its schema up
    /// to this version's (refusing a newer one), and returns the store.
    public static func open(_ address: PostgresAddress, password: String?, connections: Int = 4,
                            patience: Duration = .seconds(30),
                            idleInTransactionTimeout: Duration = defaultIdleInTransactionTimeout) async throws(JournalError) -> PostgresJournalStore {
        let configuration = try PostgresJournalStore.configuration(address, password: password)
        var logger = Logger(label: "warden.postgres")
        logger.logLevel = .error
        let lanes = (0..<max(1, connections)).map { PostgresLane(configuration: configuration, logger: logger, id: $0) }
        let urgent = PostgresLanes([PostgresLane(configuration: configuration, logger: logger, id: lanes.count)])
        let idle = max(1, Int(idleInTransactionTimeout.components.seconds * 1000
            + idleInTransactionTimeout.components.attoseconds / 1_000_000_000_000_000))
        let store = PostgresJournalStore(location: address.description, lanes: PostgresLanes(lanes), urgentLane: urgent, patience: patience,
                                         idleMilliseconds: idle,
                                         signalling: PostgresSignals(configuration: configuration, logger: logger))
        try await store.migrate()
        return store
    }

    /// How long a frozen controller can hold up the others' writes (see the type's doc).
    public static let defaultIdleInTransactionTimeout: Duration = .seconds(10)

    private init(location: String, lanes: PostgresLanes, urgentLane: PostgresLanes, patience: Duration, idleMilliseconds: Int,
                 signalling: PostgresSignals) {
        self.idleMilliseconds = idleMilliseconds
        self.location = location
        self.lanes = lanes
        self.urgentLane = urgentLane
        self.patience = patience
        self.signalling = signalling
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any JournalReader) throws -> T) async throws(JournalError) -> T {
        try await transaction(write: false) { lane in try body(PostgresJournalAccess(lane: lane)) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await write(on: lanes, body)
    }

    public func writeUrgently<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await write(on: urgentLane, body)
    }

    private func write<T: Sendable>(on lanes: PostgresLanes, _ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        // Not cancellable, as SQLite's: the outcome of a command just killed must still be kept.
        let result = await Task {
            await self.transactionResult(write: true, on: lanes) { lane in try body(PostgresJournalAccess(lane: lane, writing: true)) }
        }.value
        return try result.get()
    }

    /// The queue's claim (`WorkItem.isClaimable`, `Journal.claim`) in SQL, without the write lock:
    /// `FOR UPDATE SKIP LOCKED` gives controllers claiming at once different items, and the claim
    /// is committed at once (no row lock is held while the work is done).
    public func claimWork(controller: String, lease: Duration, at now: Date) async throws(JournalError) -> WorkItem? {
        let seconds = lease.milliseconds / 1000
        let expired = WorkItem.expiredOutcome
        return try await transaction(write: false, claim: true) { lane in
            let clock = PostgresJournalAccess.clock
            // `WorkItem`'s "free": ready, or claimed under a lease that lapsed.
            let free = "(state = 'ready' OR (state = 'claimed' AND coalesce(lease_until, 0) < \(clock)))"
            _ = try lane.query(PostgresQuery(unsafeSQL: """
                UPDATE work_items SET state = 'expired', outcome = $1, updated_at = \(clock)
                WHERE id IN (SELECT id FROM work_items WHERE not_after < \(clock) AND \(free) FOR UPDATE SKIP LOCKED)
                """, binds: try PostgresJournalStore.bindings(expired)))
            let claimed = try lane.query(PostgresQuery(unsafeSQL: """
                UPDATE work_items SET state = 'claimed', claimed_by = $1, epoch = epoch + 1, attempts = attempts + 1,
                    lease_until = \(clock) + $2, updated_at = \(clock)
                WHERE id = (SELECT id FROM work_items WHERE not_after >= \(clock) AND \(free)
                            ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING *
                """, binds: try PostgresJournalStore.bindings(controller, seconds)))
            return try claimed.rows.first.map { try PostgresRecords.workItem($0.makeRandomAccess()) }
        }
    }

    /// A renewal in one statement on the urgent connection, without the write lock: it changes one
    /// row and no audit record, so it need not queue behind every controller's run writes (under a
    /// burst it did, and live controllers' holds ran out). The row's own lock orders it with an
    /// adoption, which raises the epoch under the write lock: after one, this matches no row.
    public func renewLease(_ fence: RunFence, for lease: Duration, at now: Date) async throws(JournalError) -> (until: Double, stopRequest: String?) {
        let seconds = lease.milliseconds / 1000
        let location = self.location
        let result = await Task {
            await self.transactionResult(write: false, claim: true, on: self.urgentLane) { lane in
                let renewed = try lane.query(PostgresQuery(unsafeSQL: """
                    UPDATE runs SET lease_until = \(PostgresJournalAccess.clock) + $3
                    WHERE id = $1 AND epoch = $2 RETURNING lease_until, stop_request
                    """, binds: try PostgresJournalStore.bindings(fence.runID, fence.epoch, seconds)))
                if let row = renewed.rows.first?.makeRandomAccess() {
                    return (try row["lease_until"].decode(Double.self), try row["stop_request"].decode(String?.self))
                }
                // Why not: no such run, or another controller's epoch (named, as the fence says it).
                let access = PostgresJournalAccess(lane: lane)
                guard let run = try access.run(fence.runID) else { throw Journal.noSuchRun(fence.runID, in: location) }
                try fence.check(run)
                throw JournalError(.cannotWrite, "the lease of run \(fence.runID) was not renewed, though the run is at epoch \(fence.epoch); tried again next time")
            }
        }.value
        return try result.get()
    }

    private static func bindings(_ values: any PostgresEncodable...) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { try bindings.append(value) }
        return bindings
    }

    public func signals() -> AsyncStream<JournalSignal>? {
        signalling.stream()
    }

    /// Runs the migrations under the migration lock (`PostgresSchema`).
    private func migrate() async throws(JournalError) {
        let location = self.location
        try await transaction(write: false, migration: true) { lane in
            try PostgresSchema.migrate(lane, location: location)
        }
    }

    private func transaction<T: Sendable>(write: Bool, migration: Bool = false, claim: Bool = false,
                                          _ body: @escaping @Sendable (PostgresLane) throws -> T) async throws(JournalError) -> T {
        try await transactionResult(write: write, migration: migration, claim: claim, body).get()
    }

    /// Runs `body` in one transaction on a lane: a write under the write lock, a migration under
    /// the migration lock, a claim read-write with neither, a read REPEATABLE READ READ ONLY.
    private func transactionResult<T: Sendable>(write: Bool, migration: Bool = false, claim: Bool = false, on lanes: PostgresLanes? = nil,
                                                _ body: @escaping @Sendable (PostgresLane) throws -> T) async -> Result<T, JournalError> {
        let (location, patience) = (self.location, self.patience)
        // In the statement that takes the lock (no round trip of its own): for this transaction only.
        let bounded = "set_config('idle_in_transaction_session_timeout', '\(idleMilliseconds)', true)"
        return await (lanes ?? self.lanes).run { lane in
            let deadline = ContinuousClock.now + patience
            var delay = Duration.milliseconds(100)
            while true {
                var committing = false
                do {
                    try lane.begin(write || migration || claim ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    defer { lane.end() }
                    do {
                        if write { _ = try lane.query(PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock(\(PostgresSchema.writeLock)), \(bounded)")) }
                        if migration { _ = try lane.query(PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock)), \(bounded)")) }
                        if claim, !write, !migration { _ = try lane.query(PostgresQuery(unsafeSQL: "SELECT \(bounded)")) }
                        let result = try body(lane)
                        committing = true
                        _ = try lane.query("COMMIT")
                        return .success(result)
                    } catch {
                        if !committing { _ = try? lane.query("ROLLBACK") }
                        throw error
                    }
                } catch let error as JournalError {
                    return .failure(error)
                } catch {
                    let failure = PostgresFailure(error)
                    if failure.connectionLost { lane.reset() }
                    // Lost before its COMMIT went out (`TransactionLost`, or the server's word that it
                    // ended the session, say so even at the COMMIT): nothing was kept, and the whole
                    // transaction is tried again.
                    let notSent = !committing || failure.transactionEnded
                    guard failure.connectionLost, notSent, ContinuousClock.now + delay < deadline else {
                        let verb = write || claim ? "write to" : "read"
                        let unsure = !notSent && failure.connectionLost ? " (the connection broke while committing: the write may or may not have been kept)" : ""
                        return .failure(JournalError(write || claim ? .cannotWrite : .cannotRead,
                                                     "cannot \(verb) the journal \(location): \(failure.text)\(unsure)"))
                    }
                    Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                    delay = min(delay * 2, .seconds(2))
                }
            }
        }
    }

    static func configuration(_ address: PostgresAddress, password: String?) throws(JournalError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let folder = address.socketFolder {
            configuration = .init(unixSocketPath: "\(folder)/.s.PGSQL.\(address.port)", username: address.user, password: password,
                                  database: address.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch address.tls {
            case .disable: tls = .disable
            case .require:
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = .fullVerification
                if let root = address.rootCertificate { settings.trustRoots = .file(root) }
                do {
                    tls = .require(try NIOSSLContext(configuration: settings))
                } catch {
                    throw JournalError(.cannotOpen, "cannot set up TLS to the journal \(address): \(error)")
                }
            }
            configuration = .init(host: address.host, port: address.port, username: address.user, password: password,
                                  database: address.database, tls: tls)
            configuration.options.tlsServerName = address.tls == .require ? address.host : nil
        }
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", "warden")]
        return configuration
    }
}
