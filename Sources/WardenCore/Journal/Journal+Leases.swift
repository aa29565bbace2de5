import Foundation

/// Runs held under leases: a controller renews its run's lease while it carries the run; when
/// the lease lapses (the controller died, froze or lost the journal), another controller may
/// adopt the run, raising its epoch so the first one's writes are refused (`RunFence`). Leases
/// are judged by the journal's clock (`JournalReader.databaseTime`: a shared database's
/// `now()`), never by the clocks of the controllers that compare them.
extension Journal {
    /// Extends the lease of the run `fence` holds to `lease` after now (the journal's clock, else
    /// `now`); returns when it lapses and whether someone asked that the run stop
    /// (`requestStop`). Throws `.fenced` when the run was adopted by another controller. Not
    /// audited: a renewal changes who holds nothing.
    @discardableResult
    public func renewLease(_ fence: RunFence, for lease: Duration, at now: Date = Date()) async throws(JournalError)
        -> (until: Double, stopRequest: String?) {
        try await store.renewLease(fence, for: lease, at: now)
    }

    /// The renewal over any store's writer (`JournalStore.renewLease`'s default).
    static func renew(_ fence: RunFence, for lease: Duration, at now: Date, in writer: any JournalWriter, location: String) throws
        -> (until: Double, stopRequest: String?) {
        guard var run = try writer.run(fence.runID) else { throw Journal.noSuchRun(fence.runID, in: location) }
        try fence.check(run)
        let until = (try writer.databaseTime() ?? now.timeIntervalSince1970) + lease.milliseconds / 1000
        run.leaseUntil = until
        try writer.update(run)
        return (until, run.stopRequest)
    }

    /// Hands a run to `controller` (a resume, or a takeover of a run whose lease lapsed): its
    /// epoch goes up by one, which fences off whoever held it, it is leased to the new controller
    /// for `lease`, and its locks move with it; audited with the old and new controller, the
    /// epochs and `reason`. With `expecting`, only if the run is still at that epoch (else
    /// `.fenced`: someone else adopted it first). Returns the new controller's fence.
    @discardableResult
    public func adopt(run id: String, controller: String, lease: Duration = JournalRun.defaultLease, expecting epoch: Int? = nil,
                      reason: String? = nil, at date: Date = Date()) async throws(JournalError) -> RunFence {
        let (actor, location) = (self.actor, path)
        return try await store.write { writer in
            guard var run = try writer.run(id) else { throw Journal.noSuchRun(id, in: location) }
            if let epoch { try RunFence(runID: id, epoch: epoch).check(run) }
            // A run that ended while a reaper looked at it is nobody's to adopt.
            guard run.status == .running else {
                throw JournalError(.alreadyClaimed, "run \(id) already ended (\(run.status)); nothing to adopt")
            }
            let previous = (controller: run.controller, epoch: run.epoch)
            run.controller = controller
            run.epoch += 1
            run.leaseUntil = (try writer.databaseTime() ?? date.timeIntervalSince1970) + lease.milliseconds / 1000
            try writer.update(run)
            for var lock in try writer.locks() where lock.runID == id {
                lock.controller = controller
                try writer.update(lock)
            }
            let why = reason.map { ": \($0)" } ?? ""
            try Journal.audit(.init(action: .runAdopted, runID: id, status: "epoch \(run.epoch)",
                                    summary: Journal.adoptedPrefix + controller
                                        + "; epoch \(run.epoch), from \(previous.controller) at epoch \(previous.epoch)\(why)"),
                              actor: actor, at: date, in: writer)
            return RunFence(runID: id, epoch: run.epoch)
        }
    }

    /// Leaves the run to an operator: no longer leased (so no controller adopts it again), with
    /// `reason` noted in its journal. Only by the controller holding `fence`.
    public func park(_ fence: RunFence, reason: String, at date: Date = Date()) async throws(JournalError) {
        let (actor, location) = (self.actor, path)
        try await store.write { writer in
            guard var run = try writer.run(fence.runID) else { throw Journal.noSuchRun(fence.runID, in: location) }
            try fence.check(run)
            run.leaseUntil = nil
            try writer.update(run)
            _ = try Journal.append([.init(runID: fence.runID, kind: .note, detail: reason, at: date)], actor: actor, location: location,
                                   fence: fence, in: writer)
        }
    }

    /// The runs still `running` whose lease lapsed more than `grace` ago by the journal's clock
    /// (else `now`): their controller is gone or cut off, and another may adopt them. Oldest first.
    public func lapsedRuns(grace: Duration, at now: Date = Date()) async throws(JournalError) -> [JournalRun] {
        try await store.read { reader in
            let clock = try reader.databaseTime() ?? now.timeIntervalSince1970
            let cutoff = clock - grace.milliseconds / 1000
            return try reader.runs(RunQuery(status: .running, limit: RunQuery.maximumLimit)).reversed().filter { run in
                guard let until = run.leaseUntil else { return false }
                return until < cutoff
            }
        }
    }

    /// The journal's clock now: the database's for a shared journal, else `fallback`.
    public func clockReading(fallback: Date = Date()) async throws(JournalError) -> Date {
        try await store.read { reader in
            Date(timeIntervalSince1970: try reader.databaseTime() ?? fallback.timeIntervalSince1970)
        }
    }
}

extension JournalRun {
    /// How long a controller's hold on a run lasts unless renewed (every third of it): short
    /// enough that a dead controller's run is adopted within a minute, long enough that a busy
    /// one renews in time.
    public static let defaultLease: Duration = .seconds(30)
}
