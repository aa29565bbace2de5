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
        // Whoever can write to a shared state folder can plant links in it:
        // no file of the journal is opened through one (O_NOFOLLOW), and
        // modes are changed through descriptors, never by path.
        let lockPath = path + ".lock"
        let lockDescriptor = try Journal.openUnfollowed(lockPath, flags: O_CREAT | O_RDWR, mode: 0o666, directory: directory)
        defer { Glibc.close(lockDescriptor) }
        flock(lockDescriptor, LOCK_EX)
        defer { flock(lockDescriptor, LOCK_UN) }
        // SQLite follows a link at the database's path, and GRDB 7 cannot
        // pass it SQLITE_OPEN_NOFOLLOW (its open flags are internal). So a
        // missing database file is created here (O_EXCL never follows a
        // link), the path is lstat-ed and a link (or a hard-linked file)
        // refused before SQLite opens it, as is a link at its -wal, -shm or
        // -journal name, and the path must name the same file afterwards.
        // Nothing here keeps or closes a descriptor of a file SQLite has
        // open: closing one would drop SQLite's POSIX locks on it.
        try Journal.createIfMissing(path, directory: directory)
        let vetted = try Journal.vetted(path, directory: directory)
        for sidecar in [path + "-wal", path + "-shm", path + "-journal"] {
            var info = stat()
            if lstat(sidecar, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                throw JournalError("cannot open the journal: " + PlantedLink.refusal(sidecar, pointsTo: PlantedLink.target(of: sidecar), folder: directory))
            }
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try JournalSchema.migrator.migrate(database)
        } catch {
            throw JournalError("cannot open the journal \(path): \(error)")
        }
        var named = stat()
        guard lstat(path, &named) == 0, named.st_mode & S_IFMT == S_IFREG, named.st_dev == vetted.st_dev, named.st_ino == vetted.st_ino else {
            throw JournalError("cannot open the journal: \(path) was replaced while it was being opened; check who else writes to \(directory), "
                               + "keep it writable only by those who run Warden, then retry")
        }
        Journal.shareLikeFolder(path, directory: directory, lock: lockDescriptor)
    }

    /// Linux's O_PATH, which Swift's Glibc module leaves out (glibc defines
    /// it only under _GNU_SOURCE); the same value on x86-64 and arm64.
    private static let openPathOnly: Int32 = 0o10000000

    /// Creates an empty database file when there is none, never through a
    /// link. Closing the new file at once is safe: no connection has it open.
    private static func createIfMissing(_ path: String, directory: String) throws(JournalError) {
        // 0644 less the umask: the mode SQLite gives a database it creates.
        let created = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if created >= 0 {
            Glibc.close(created)
        } else if errno != EEXIST {
            throw JournalError("cannot create the journal \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The database file's identity, once it is known to be a regular file
    /// with one name: not a link, and not a hard link to someone's file.
    private static func vetted(_ path: String, directory: String) throws(JournalError) -> stat {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw JournalError("cannot open the journal \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_mode & S_IFMT == S_IFLNK {
            throw JournalError("cannot open the journal: " + PlantedLink.refusal(path, pointsTo: PlantedLink.target(of: path), folder: directory))
        }
        guard info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
            throw JournalError(notSingleFile(path, links: Int(info.st_nlink), directory: directory))
        }
        return info
    }

    private static func notSingleFile(_ path: String, links: Int, directory: String) -> String {
        "cannot open the journal: \(path) is not a regular file with a single name (\(links) hard links); "
            + "check what it is and whose file it shares its data with, remove it (rm '\(path)'), "
            + "and keep \(directory) writable only by those who run Warden"
    }

    /// Opens one of the journal's files without following a link there,
    /// and checks that it is a regular file with no other name (a hard link
    /// to someone's file would be as bad as a symbolic one).
    /// `mode` (less the umask) is for a file it creates; shareLikeFolder sets the mode a shared folder needs.
    private static func openUnfollowed(_ file: String, flags: Int32, mode: mode_t, directory: String) throws(JournalError) -> Int32 {
        let descriptor = Glibc.open(file, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let problem = errno
            if problem == ELOOP {
                throw JournalError("cannot open the journal: " + PlantedLink.refusal(file, pointsTo: PlantedLink.target(of: file), folder: directory))
            }
            throw JournalError("cannot open \(file): \(String(cString: strerror(problem)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
            Glibc.close(descriptor)
            throw JournalError(notSingleFile(file, links: Int(info.st_nlink), directory: directory))
        }
        return descriptor
    }

    /// In a folder operators share (group- or world-writable, as `--state`
    /// for an initiator and an approver on one bastion), the database must
    /// be writable by them too; SQLite gives its -wal and -shm files the
    /// database file's mode. A file is changed only when it is this user's
    /// own regular file with one name, and through a descriptor of the file
    /// checked (never by path), so the change cannot be redirected.
    private static func shareLikeFolder(_ path: String, directory: String, lock: Int32) {
        var folder = stat()
        guard stat(directory, &folder) == 0 else { return }
        var mode: mode_t = 0o600
        if folder.st_mode & 0o020 != 0 { mode |= 0o060 }
        if folder.st_mode & 0o002 != 0 { mode |= 0o006 }
        guard mode != 0o600 else { return }
        func isOwnFile(_ descriptor: Int32) -> Bool {
            var info = stat()
            return fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_nlink == 1 && info.st_uid == geteuid()
        }
        if isOwnFile(lock) { _ = fchmod(lock, mode) }
        for file in [path, path + "-wal", path + "-shm"] {
            // O_PATH: closing such a descriptor leaves the POSIX locks SQLite
            // holds on the file alone (a normal one would drop them). fchmod
            // does not take one, so the mode goes through its /proc name,
            // which is that very file, as glibc's fchmodat does.
            let descriptor = Glibc.open(file, Journal.openPathOnly | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            if isOwnFile(descriptor) { _ = chmod("/proc/self/fd/\(descriptor)", mode) }
            Glibc.close(descriptor)
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
