import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB

/// The durable record of every run: what was about to happen on which host
/// (written before the remote action starts) and what did happen (written
/// after), in an embedded SQLite database that survives a crashed controller.
///
/// Writes are committed with WAL and `synchronous = FULL` before the call
/// returns, so an intent is on disk before the command it announces leaves
/// the controller. Each run's events form a hash chain (see `JournalEvent`),
/// so a changed or deleted row is detected by `verify(run:)`.
///
/// GRDB's async methods run the SQLite work on GRDB's own queue, never on the
/// cooperative thread pool.
public final class Journal: Sendable {
    /// The database file inside the state folder.
    public static let fileName = "journal.sqlite"

    private let database: DatabaseQueue
    public let path: String
    /// Who this process acts as, in the audit log.
    public let actor: String

    /// Opens (creating if needed) the journal in `directory`.
    public init(directory: String) throws(JournalError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw JournalError("cannot create the state folder \(directory): \(error.localizedDescription)")
        }
        path = (directory as NSString).appendingPathComponent(Journal.fileName)
        actor = OperatingSystemUser.name
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Durable before the next remote action: FULL syncs the WAL on every commit.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        configuration.busyMode = .timeout(10)
        // Two processes opening a new state folder at once (an initiator and
        // an approver) must not both create the tables: the first to open it
        // migrates while holding an exclusive lock on a sidecar file.
        let lockPath = path + ".lock"
        let lockDescriptor = Glibc.open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
        guard lockDescriptor >= 0 else {
            throw JournalError("cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(lockDescriptor) }
        flock(lockDescriptor, LOCK_EX)
        defer { flock(lockDescriptor, LOCK_UN) }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try JournalSchema.migrator.migrate(database)
            Journal.shareLikeFolder(path, directory: directory)
        } catch {
            throw JournalError("cannot open the journal \(path): \(error)")
        }
    }

    /// In a folder operators share (group- or world-writable, as `--state`
    /// for an initiator and an approver on one bastion), the database must
    /// be writable by them too; SQLite gives its -wal and -shm files the
    /// database file's mode.
    private static func shareLikeFolder(_ path: String, directory: String) {
        guard let folderMode = (try? FileManager.default.attributesOfItem(atPath: directory))?[.posixPermissions] as? Int else { return }
        var mode = 0o600
        if folderMode & 0o020 != 0 { mode |= 0o060 }
        if folderMode & 0o002 != 0 { mode |= 0o006 }
        guard mode != 0o600 else { return }
        for file in [path, path + "-wal", path + "-shm", path + ".lock"] where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        }
    }

    /// The SQLite settings that make writes durable, as the database reports them.
    public func durability() async throws(JournalError) -> (journalMode: String, synchronous: Int) {
        try await access { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
            let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            return (mode, synchronous)
        }
    }

    /// Records a new run and returns its id.
    public func begin(_ run: JournalRun) async throws(JournalError) {
        let actor = self.actor
        try await write { db in
            try run.insert(db)
            try Journal.audit(.init(action: "run-started", runID: run.id, status: run.planHash,
                                    summary: "\(run.runbook) (\(run.file)) by \(run.initiator) on \(run.controller); parameters: \(run.parameters)",
                                    digest: ChainHash.digest(run.plan)), actor: actor, in: db)
        }
    }

    /// Appends an event to its run's chain; durable when this returns.
    @discardableResult
    public func append(_ draft: JournalEvent.Draft) async throws(JournalError) -> JournalEvent {
        let actor = self.actor
        return try await write { db in try Journal.append(draft, actor: actor, in: db) }
    }

    /// Appends several events in one transaction (one sync to disk): the
    /// intents of a batch of hosts, all durable before any command leaves.
    public func append(_ drafts: [JournalEvent.Draft]) async throws(JournalError) {
        let actor = self.actor
        try await write { db in
            for draft in drafts { _ = try Journal.append(draft, actor: actor, in: db) }
        }
    }

    /// Appends an event and its audit record inside the caller's transaction.
    static func append(_ draft: JournalEvent.Draft, actor: String, in db: Database) throws -> JournalEvent {
        // A cached statement: this runs for every event of every run.
        let previous = try JournalEvent.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM events WHERE run_id = ? ORDER BY sequence DESC LIMIT 1"), arguments: [draft.runID])
        let event = JournalEvent(draft: draft, sequence: (previous?.sequence ?? 0) + 1, previousHash: previous?.hash ?? JournalEvent.genesis)
        try event.insert(db)
        try audit(.init(action: event.kind, runID: event.runID, step: event.step, host: event.host, event: event.sequence,
                        exit: event.exit, status: event.status, summary: event.command ?? event.detail.map { String($0.prefix(500)) },
                        digest: event.hash), actor: actor, in: db, at: draft.at)
        return event
    }

    /// Sets how a run ended.
    public func finish(run id: String, status: String, reason: String?, at date: Date = Date()) async throws(JournalError) {
        let actor = self.actor
        try await write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, reason = ?, finished_at = ? WHERE id = ?",
                           arguments: [status, reason, date.timeIntervalSince1970, id])
            try Journal.audit(.init(action: "run-finished", runID: id, status: status, summary: reason), actor: actor, in: db, at: date)
        }
    }

    public func runs() async throws(JournalError) -> [JournalRun] {
        try await access { db in try JournalRun.order(Column("started_at").desc).fetchAll(db) }
    }

    public func run(_ id: String) async throws(JournalError) -> JournalRun? {
        try await access { db in try JournalRun.fetchOne(db, key: id) }
    }

    public func events(of run: String) async throws(JournalError) -> [JournalEvent] {
        try await access { db in
            try JournalEvent.filter(Column("run_id") == run).order(Column("sequence")).fetchAll(db)
        }
    }

    /// Checks the run's hash chain: nil when intact, else the first event
    /// that does not follow from the one before it (changed, inserted, or
    /// the one after a deleted row).
    public func verify(run: String) async throws(JournalError) -> Int? {
        Journal.chainBreak(try await events(of: run))
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(JournalError) -> T {
        let database = self.database
        do {
            // Not cancellable: when a run is interrupted, the outcome of the
            // command just killed must still reach the disk. An unstructured
            // task does not inherit the caller's cancellation.
            return try await Task { try await database.write(body) }.value
        } catch {
            throw JournalError("cannot write to the journal \(path): \(error)")
        }
    }

    func access<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(JournalError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw JournalError("cannot read the journal \(path): \(error)")
        }
    }
}

/// A journal that cannot be opened, written or read. A run stops when its
/// journal cannot be written: an unrecorded change is one nobody can resume.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension Journal {
    /// Opens the journal off the cooperative thread pool: opening and
    /// migrating touch the disk.
    public static func open(directory: String) async throws(JournalError) -> Journal {
        let result: Result<Journal, JournalError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(JournalError) {
                    continuation.resume(returning: .success(try Journal(directory: directory)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Where runs are kept unless `--state` says otherwise: `WARDEN_STATE_DIR`,
    /// else `$XDG_STATE_HOME/warden`, else `~/.local/state/warden`. Operators
    /// who share runs (an initiator and an approver on one bastion) point
    /// both at one group-writable folder.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["WARDEN_STATE_DIR"], !explicit.isEmpty { return explicit }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/warden" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/state/warden"
    }
}

extension Journal {
    /// Hands a run to the controller resuming it, so its locks and liveness
    /// are judged by the new process.
    public func adopt(run id: String, controller: String) async throws(JournalError) {
        let actor = self.actor
        try await write { db in
            try db.execute(sql: "UPDATE runs SET controller = ? WHERE id = ?", arguments: [controller, id])
            try db.execute(sql: "UPDATE locks SET controller = ? WHERE run_id = ?", arguments: [controller, id])
            try Journal.audit(.init(action: "run-adopted", runID: id, summary: "resumed on \(controller)"), actor: actor, in: db)
        }
    }
}
