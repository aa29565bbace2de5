import Foundation

extension Journal {
    /// Takes the lock for its run, or returns who holds it. A lock left by a
    /// run that ended, by a controller on this machine that died, or whose
    /// lease lapsed (by `now`, the taker's clock) is taken over; the takeover
    /// is in the audit log. Deciding and taking are one write: two runs
    /// racing for a lapsed lock cannot both take it.
    public func acquire(_ lock: RunLock, at now: Date = Date()) async throws(JournalError) -> (acquired: Bool, previous: RunLock?) {
        let actor = self.actor
        return try await store.write { writer in
            if let held = try writer.lock(lock.name) {
                guard let why = held.takeoverReason(heldBy: try writer.run(held.runID), at: now) else { return (false, held) }
                try writer.deleteLock(held.name)
                try writer.insert(lock)
                try Journal.audit(.init(action: .lockTakenOver, runID: lock.runID, lock: lock.name,
                                        summary: "from run \(held.runID) of \(held.holder) on \(held.controller): \(why)"),
                                  actor: actor, at: now, in: writer)
                return (true, held)
            }
            try writer.insert(lock)
            try Journal.audit(.init(action: .lockTaken, runID: lock.runID, lock: lock.name, summary: lock.host.map { "also on \($0)" }),
                              actor: actor, at: now, in: writer)
            return (true, nil)
        }
    }

    /// Extends the lease of a lock `run` holds to `lease` after `now`; false
    /// when it no longer holds it (broken, or taken over after it lapsed).
    /// Not audited: a renewal changes who holds nothing.
    public func renew(lock name: String, run: String, lease: Duration = RunLock.defaultLease,
                      at now: Date = Date()) async throws(JournalError) -> Bool {
        try await store.write { writer in
            guard var held = try writer.lock(name), held.runID == run else { return false }
            held.expiresAt = now.timeIntervalSince1970 + lease.milliseconds / 1000
            try writer.update(held)
            return true
        }
    }

    /// Releases the lock if `run` holds it.
    public func release(lock name: String, run: String, at date: Date = Date()) async throws(JournalError) {
        let actor = self.actor
        try await store.write { writer in
            guard let held = try writer.lock(name), held.runID == run else { return }
            try writer.deleteLock(name)
            try Journal.audit(.init(action: .lockReleased, runID: run, lock: name), actor: actor, at: date, in: writer)
        }
    }

    /// Removes a lock whoever holds it: the operator's explicit decision
    /// that its holder is gone, recorded with who broke it and why, in the
    /// audit log and as a note in the holder's run.
    /// Returns the lock broken, or nil if there was none.
    public func breakLock(_ name: String, reason: String, at date: Date = Date()) async throws(JournalError) -> RunLock? {
        let (actor, location) = (self.actor, path)
        return try await store.write { writer in
            guard let held = try writer.lock(name) else { return nil }
            try writer.deleteLock(name)
            try Journal.audit(.init(action: .lockBroken, runID: held.runID, lock: name,
                                    summary: "held by \(held.holder) on \(held.controller); reason: \(reason)"),
                              actor: actor, at: date, in: writer)
            if try writer.run(held.runID) != nil {
                _ = try Journal.append([.init(runID: held.runID, kind: .note, detail: "lock '\(name)' broken by \(actor): \(reason)", at: date)],
                                       actor: actor, location: location, in: writer)
            }
            return held
        }
    }

    /// The locks held, by name.
    public func locks() async throws(JournalError) -> [RunLock] {
        try await store.read { reader in try reader.locks() }
    }
}
