import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB

/// The journal of a state folder: an embedded SQLite database
/// (`journal.sqlite`) that survives a crashed controller, shared by the
/// operators (and their processes) who point `--state` at the folder.
///
/// Durable: WAL and `synchronous = FULL`, so a write is on disk when it
/// returns. Serialized: every write is an IMMEDIATE transaction, which takes
/// the database's write lock before reading the heads of the chains it
/// extends, so writers in other processes wait for it (up to 10 s) instead
/// of numbering alike. Consistent: a read is one transaction. Off the pool:
/// GRDB runs the SQLite work on its own queue. The tables are created and
/// upgraded by numbered migrations (`JournalSchema`), so a newer Warden opens
/// an older state folder.
final class SQLiteJournalStore: JournalStore {
    /// The database file inside the state folder.
    static let fileName = "journal.sqlite"

    private let database: DatabaseQueue
    /// Who accesses the database next: lease renewals and alert deliveries before run writes.
    private let gate = SQLiteAccessGate()
    /// The database file.
    public let path: String

    public var location: String { path }

    public var localFolder: String? { (path as NSString).deletingLastPathComponent }

    /// Opens (creating or upgrading if needed) the journal of the state folder `directory`.
    public init(directory: String) throws(JournalError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw JournalError(.cannotOpen, "cannot create the state folder \(directory): \(error.localizedDescription)")
        }
        path = (directory as NSString).appendingPathComponent(SQLiteJournalStore.fileName)
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
        let lockDescriptor = try SQLiteJournalStore.openUnfollowed(lockPath, flags: O_CREAT | O_RDWR, mode: 0o666, directory: directory)
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
        try SQLiteJournalStore.createIfMissing(path, directory: directory)
        let vetted = try SQLiteJournalStore.vetted(path, directory: directory)
        for sidecar in [path + "-wal", path + "-shm", path + "-journal"] {
            var info = stat()
            if lstat(sidecar, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                throw JournalError(.cannotOpen, "cannot open the journal: " + PlantedLink.refusal(sidecar, pointsTo: PlantedLink.target(of: sidecar), folder: directory))
            }
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try JournalSchema.migrator.migrate(database)
        } catch {
            throw JournalError(.cannotOpen, "cannot open the journal \(path): \(error)")
        }
        var named = stat()
        guard lstat(path, &named) == 0, named.st_mode & S_IFMT == S_IFREG, named.st_dev == vetted.st_dev, named.st_ino == vetted.st_ino else {
            throw JournalError(.cannotOpen, "cannot open the journal: \(path) was replaced while it was being opened; check who else writes to \(directory), "
                               + "keep it writable only by those who run Warden, then retry")
        }
        SQLiteJournalStore.shareLikeFolder(path, directory: directory, lock: lockDescriptor)
    }

    /// The SQLite settings that make writes durable, as the database reports them.
    func durability() async throws(JournalError) -> (journalMode: String, synchronous: Int) {
        do {
            return try await database.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
            }
        } catch {
            throw JournalError(.cannotRead, "cannot read the journal \(path): \(error)")
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any JournalReader) throws -> T) async throws(JournalError) -> T {
        do {
            let database = self.database
            return try await gate.inTurn { try await database.read { db in try body(SQLiteJournalAccess(db)) } }
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(.cannotRead, "cannot read the journal \(path): \(error)")
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await write(urgent: false, body)
    }

    /// A write that waits only for the access under way, not for every write asked before it:
    /// a lease renewal, an alert delivery (`SQLiteAccessGate`).
    public func writeUrgently<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await write(urgent: true, body)
    }

    /// An alert delivery's write: in the urgent turn too (`SQLiteAccessGate`).
    public func writeAhead<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await write(urgent: true, body)
    }

    private func write<T: Sendable>(urgent: Bool, _ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        let (database, path, gate) = (self.database, self.path, self.gate)
        do {
            // Not cancellable: when a run is interrupted, the outcome of the
            // command just killed must still reach the disk. An unstructured
            // task does not inherit the caller's cancellation. GRDB begins a
            // writer's transaction IMMEDIATE.
            return try await Task {
                try await gate.inTurn(urgent: urgent) { try await database.write { db in try body(SQLiteJournalAccess(db)) } }
            }.value
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(.cannotWrite, "cannot write to the journal \(path): \(error)")
        }
    }
}
