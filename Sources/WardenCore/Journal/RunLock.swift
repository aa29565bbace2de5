import Foundation
import GRDB

/// A named lock a run holds while it acts (`lock:` in a runbook), so two
/// runs cannot change the same cluster at once. It lives in the journal, so
/// every operator sharing the state folder sees it.
public struct RunLock: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "locks"

    public var name: String
    public var runID: String
    /// The operating-system user whose run holds it.
    public var holder: String
    /// `hostname:pid` of the controller holding it.
    public var controller: String
    public var acquiredAt: Double

    public init(name: String, runID: String, holder: String, controller: String, acquiredAt: Date = Date()) {
        self.name = name
        self.runID = runID
        self.holder = holder
        self.controller = controller
        self.acquiredAt = acquiredAt.timeIntervalSince1970
    }

    enum CodingKeys: String, CodingKey {
        case name, holder, controller
        case runID = "run_id"
        case acquiredAt = "acquired_at"
    }

    /// Whether the controller that took the lock is gone: a process on this
    /// machine that no longer exists. A controller on another machine is
    /// assumed alive: only its operator can say otherwise.
    public var controllerIsGone: Bool {
        let parts = controller.split(separator: ":")
        guard parts.count == 2, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

extension Journal {
    /// Takes the lock for `run`, or returns who holds it. A lock left by a
    /// run that ended, or by a controller on this machine that died, is taken
    /// over (the takeover is journaled by the caller).
    public func acquire(_ lock: RunLock) async throws(JournalError) -> (acquired: Bool, previous: RunLock?) {
        try await write { db in
            if let held = try RunLock.fetchOne(db, key: lock.name) {
                let heldRun = try JournalRun.fetchOne(db, key: held.runID)
                let stale = heldRun?.status != "running" || held.controllerIsGone
                guard stale else { return (false, held) }
                try held.delete(db)
                try lock.insert(db)
                return (true, held)
            }
            try lock.insert(db)
            return (true, nil)
        }
    }

    /// Releases the lock if `run` holds it.
    public func release(lock name: String, run: String) async throws(JournalError) {
        try await write { db in
            try db.execute(sql: "DELETE FROM locks WHERE name = ? AND run_id = ?", arguments: [name, run])
        }
    }

    public func locks() async throws(JournalError) -> [RunLock] {
        try await access { db in try RunLock.fetchAll(db) }
    }
}
