import Foundation

/// The work queue (`WorkItem`): what the daemon was asked to start, kept until exactly one
/// controller starts it, refuses it, or it expires. Claims are leases with an epoch judged on the
/// journal's clock; a claim is never a lock held while working, so a controller that dies
/// holding one delays the item by one lease, no more. Not audited: an item only asks; the run it
/// starts is audited when it starts, and names the item in its journal.
extension Journal {
    /// Queues a new item that may start until `expiresAfter` from now (the journal's clock), and
    /// wakes idle controllers (`JournalSignal.work`); with `claimedBy`, it is claimed at once by
    /// that controller for `lease` (the one that received the request, when it has room) and the
    /// claim is returned. An item with its id already queued (the same idempotency key sent
    /// again) is returned as it is, nothing written and no claim: `created` says which.
    public func enqueue(id: String, kind: WorkItem.Kind, payload: String, requester: String, expiresAfter: Duration,
                        claimedBy controller: String? = nil, lease: Duration = JournalRun.defaultLease,
                        at now: Date = Date()) async throws(JournalError) -> (item: WorkItem, created: Bool, claim: WorkClaim?) {
        try await store.write { writer in
            if let existing = try writer.workItem(id) { return (existing, false, nil) }
            let clock = try writer.databaseTime() ?? now.timeIntervalSince1970
            var item = WorkItem(id: id, kind: kind, payload: payload, requester: requester, createdAt: clock,
                                notAfter: clock + expiresAfter.milliseconds / 1000)
            var claim: WorkClaim?
            if let controller {
                item.claim(by: controller, until: clock + lease.milliseconds / 1000, at: clock)
                claim = WorkClaim(item)
            } else {
                try writer.signal(.work)
            }
            try writer.save(item)
            return (item, true, claim)
        }
    }

    /// Takes the oldest claimable item for `controller` for `lease` (raising its epoch), expiring
    /// the ones too late to start on the way; nil when there is none. Of controllers claiming at
    /// once, each gets a different item or none.
    public func claimWork(controller: String, lease: Duration, at now: Date = Date()) async throws(JournalError) -> (WorkItem, WorkClaim)? {
        guard let item = try await store.claimWork(controller: controller, lease: lease, at: now) else { return nil }
        return (item, WorkClaim(item))
    }

    /// Marks the open items too late to start as expired (the claim does it on its way; a daemon
    /// without room to claim calls this, so an item nobody could take does not look as if it waits).
    public func expireWork(at now: Date = Date()) async throws(JournalError) {
        try await store.write { writer in
            let clock = try writer.databaseTime() ?? now.timeIntervalSince1970
            for var item in try writer.openWorkItems() where item.hasExpired(at: clock) {
                item.expire(at: clock)
                try writer.save(item)
            }
        }
    }

    /// Extends `claim` by `lease` (while its run is planned); `.fenced` once someone else claimed it.
    public func renewClaim(_ claim: WorkClaim, lease: Duration, at now: Date = Date()) async throws(JournalError) {
        try await store.writeUrgently { writer in
            guard var item = try writer.workItem(claim.itemID) else { throw Journal.noSuchItem(claim.itemID) }
            try claim.check(item)
            item.leaseUntil = (try writer.databaseTime() ?? now.timeIntervalSince1970) + lease.milliseconds / 1000
            try writer.save(item)
        }
    }

    /// Ends the claim without a run: `.refused` with why, or back to `.ready` (this controller
    /// could not take it after all, and another may) with the claim dropped. Only under `claim`.
    public func settle(_ claim: WorkClaim, as state: WorkItem.State, outcome: String?, at now: Date = Date()) async throws(JournalError) {
        try await store.write { writer in
            guard var item = try writer.workItem(claim.itemID) else { throw Journal.noSuchItem(claim.itemID) }
            try claim.check(item)
            item.state = state
            item.outcome = outcome
            item.updatedAt = try writer.databaseTime() ?? now.timeIntervalSince1970
            if state == .ready {
                item.claimedBy = nil
                item.leaseUntil = nil
                try writer.signal(.work)
            }
            try writer.save(item)
        }
    }

    /// Takes back an item that has not started, saying who and why; `.alreadyClaimed` (with the
    /// item's state) once it started or ended. A claimed item may be withdrawn: its claimer's
    /// start is then refused.
    public func withdraw(item id: String, by person: String, reason: String, at now: Date = Date()) async throws(JournalError) -> WorkItem {
        try await store.write { writer in
            guard var item = try writer.workItem(id) else { throw Journal.noSuchItem(id) }
            guard item.state.isOpen else {
                throw JournalError(.alreadyClaimed, "work item \(id) is \(item.state.rawValue)\(item.runID.map { " (run \($0))" } ?? ""); nothing to withdraw")
            }
            item.state = .withdrawn
            item.outcome = "withdrawn by \(person): \(reason)"
            item.updatedAt = try writer.databaseTime() ?? now.timeIntervalSince1970
            try writer.save(item)
            return item
        }
    }

    public func workItem(_ id: String) async throws(JournalError) -> WorkItem? {
        try await store.read { reader in try reader.workItem(id) }
    }

    /// The items still open (oldest first), then the `limit` most recent closed ones (newest first).
    public func workItems(closedLimit limit: Int = 50) async throws(JournalError) -> (open: [WorkItem], closed: [WorkItem]) {
        try await store.read { reader in
            (try reader.openWorkItems(), try reader.workItems(limit: limit).filter { !$0.state.isOpen })
        }
    }

    /// Wake-ups from the other controllers sharing the journal (new work, stop requests), as
    /// they arrive; nil when the journal's store sends none (then polling is all there is).
    public func signals() -> AsyncStream<JournalSignal>? {
        store.signals()
    }

    static func noSuchItem(_ id: String) -> JournalError {
        JournalError(.noSuchRun, "the journal holds no work item '\(id)'")
    }

    /// The queue's claim rule over any store's reader and writer (a store whose writes are
    /// serialized needs nothing more to hand each item to one claimer): expire what is too
    /// late, then take the oldest claimable item.
    static func claim(controller: String, lease: Duration, now: Date, in writer: any JournalWriter) throws -> WorkItem? {
        let clock = try writer.databaseTime() ?? now.timeIntervalSince1970
        var claimed: WorkItem?
        for var item in try writer.openWorkItems() {
            if item.hasExpired(at: clock) {
                item.expire(at: clock)
                try writer.save(item)
            } else if claimed == nil, item.isClaimable(at: clock) {
                item.claim(by: controller, until: clock + lease.milliseconds / 1000, at: clock)
                try writer.save(item)
                claimed = item
            }
        }
        return claimed
    }
}
