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
    /// When the lease lapses unless the holder renews it (it does, while alive).
    public var expiresAt: Double?
    /// The host that also holds the lock as a lock directory, if the runbook names one.
    public var host: String?

    public init(name: String, runID: String, holder: String, controller: String, acquiredAt: Date = Date(),
                lease: Duration = RunLock.defaultLease, host: String? = nil) {
        self.name = name
        self.runID = runID
        self.holder = holder
        self.controller = controller
        self.acquiredAt = acquiredAt.timeIntervalSince1970
        expiresAt = acquiredAt.timeIntervalSince1970 + lease.milliseconds / 1000
        self.host = host
    }

    /// Long enough that a busy controller renews in time (every third of
    /// it), short enough that a dead one's lock frees itself soon.
    public static let defaultLease: Duration = .seconds(60)

    enum CodingKeys: String, CodingKey {
        case name, holder, controller, host
        case runID = "run_id"
        case acquiredAt = "acquired_at"
        case expiresAt = "expires_at"
    }

    /// Whether the lease ran out without being renewed.
    public func hasLapsed(at date: Date = Date()) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt < date.timeIntervalSince1970
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
    /// run that ended, by a controller on this machine that died, or whose
    /// lease lapsed (by `now`, the taker's clock) is taken over; the takeover is in the audit log.
    public func acquire(_ lock: RunLock, at now: Date = Date()) async throws(JournalError) -> (acquired: Bool, previous: RunLock?) {
        let actor = self.actor
        return try await write { db in
            if let held = try RunLock.fetchOne(db, key: lock.name) {
                let heldRun = try JournalRun.fetchOne(db, key: held.runID)
                let why: String? = if heldRun?.status != "running" { "its run is no longer running" }
                    else if held.controllerIsGone { "its controller \(held.controller) is gone" }
                    else if held.hasLapsed(at: now) { "its lease lapsed at \(Date(timeIntervalSince1970: held.expiresAt ?? 0))" }
                    else { nil }
                guard let why else { return (false, held) }
                try held.delete(db)
                try lock.insert(db)
                try Journal.audit(.init(action: "lock-taken-over", runID: lock.runID, lock: lock.name,
                                        summary: "from run \(held.runID) of \(held.holder) on \(held.controller): \(why)"), actor: actor, in: db)
                return (true, held)
            }
            try lock.insert(db)
            try Journal.audit(.init(action: "lock-taken", runID: lock.runID, lock: lock.name, summary: lock.host.map { "also on \($0)" }),
                              actor: actor, in: db)
            return (true, nil)
        }
    }

    /// Extends the lease of a lock `run` holds to `lease` after `now`; false when it no longer holds it.
    public func renew(lock name: String, run: String, lease: Duration = RunLock.defaultLease,
                      at now: Date = Date()) async throws(JournalError) -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE locks SET expires_at = ? WHERE name = ? AND run_id = ?",
                           arguments: [now.timeIntervalSince1970 + lease.milliseconds / 1000, name, run])
            return db.changesCount > 0
        }
    }

    /// Releases the lock if `run` holds it.
    public func release(lock name: String, run: String) async throws(JournalError) {
        let actor = self.actor
        try await write { db in
            try db.execute(sql: "DELETE FROM locks WHERE name = ? AND run_id = ?", arguments: [name, run])
            if db.changesCount > 0 {
                try Journal.audit(.init(action: "lock-released", runID: run, lock: name), actor: actor, in: db)
            }
        }
    }

    /// Removes a lock whoever holds it: the operator's explicit decision
    /// that its holder is gone, recorded with who broke it and why.
    /// Returns the lock broken, or nil if there was none.
    public func breakLock(_ name: String, reason: String) async throws(JournalError) -> RunLock? {
        let actor = self.actor
        return try await write { db in
            guard let held = try RunLock.fetchOne(db, key: name) else { return nil }
            try held.delete(db)
            try Journal.audit(.init(action: "lock-broken", runID: held.runID, lock: name,
                                    summary: "held by \(held.holder) on \(held.controller); reason: \(reason)"), actor: actor, in: db)
            if try JournalRun.fetchOne(db, key: held.runID) != nil {
                try Journal.append(.init(runID: held.runID, kind: "note", detail: "lock '\(name)' broken by \(actor): \(reason)"),
                                   actor: actor, in: db)
            }
            return held
        }
    }

    public func locks() async throws(JournalError) -> [RunLock] {
        try await access { db in try RunLock.order(Column("name")).fetchAll(db) }
    }
}
