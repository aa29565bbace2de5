import Foundation

/// The durable record of every run: what was about to happen on which host
/// (written before the remote action starts) and what did happen (written
/// after), the approvals given, the locks held, signed checkpoints, and an
/// audit log over all of it, so that a crashed controller's run can be
/// resumed and nobody can change history unseen.
///
/// `Journal` is what callers use; a `JournalStore` keeps the records
/// (`SQLiteJournalStore` in a state folder, which `init(directory:)` and
/// `open(directory:)` open; `MemoryJournalStore` for tests). Every rule is
/// here, once, over the store's reads and writes: events are numbered 1, 2,
/// 3... per run and hash-chained (`JournalEvent`); every action appends its
/// audit record (`AuditRecord`) in the same transaction; locks are taken over
/// only from a holder that is gone (`RunLock`); `verifyAudit` checks it all.
/// Every write is durable when it returns, so an intent is kept before the
/// command it announces leaves the controller.
///
/// Times: the methods that stamp a time take it (`at:`, the caller's clock),
/// defaulting to now; records that carry their own time (a run's start, an
/// event, an approval, a lock's acquisition, a checkpoint) stamp their audit
/// record with it.
public final class Journal: Sendable {
    /// The database file of a state folder.
    static var fileName: String { SQLiteJournalStore.fileName }

    public let store: any JournalStore
    /// Who this process acts as, in the audit log.
    public let actor: String

    /// Where the journal is, for messages (the database file of a state folder).
    public var path: String { store.location }

    /// The state folder of this controller: the journal's own for a state folder's SQLite;
    /// for a journal in a database, the local folder its artifacts and keys are kept in.
    public let folder: String

    /// A journal on `store`; `folder` is the local state folder (default: the store's own, else
    /// `defaultDirectory()`).
    public init(store: any JournalStore, actor: String = OperatingSystemUser.name, folder: String? = nil) {
        self.store = store
        self.actor = actor
        self.folder = folder ?? store.localFolder ?? Journal.defaultDirectory()
    }

    /// Opens (creating if needed) the journal of the state folder `directory`.
    /// Blocks on the disk: from async code, use `open(directory:)`.
    public convenience init(directory: String) throws(JournalError) {
        self.init(store: try SQLiteJournalStore(directory: directory))
    }

    /// The same journal, writing as `actor` (the audit log says who).
    public func acting(as actor: String) -> Journal {
        Journal(store: store, actor: actor, folder: folder)
    }

    /// Records a new run (its audit record carries its plan's digest), held at epoch 1 by its
    /// controller for `lease` (renewed by `renewLease`) when one is given.
    /// With `closing`, the run is the start of that claimed work item, which is marked started
    /// with it in the same write; refused (`.fenced`, nothing kept) once the claim was lost.
    public func begin(_ run: JournalRun, lease: Duration? = nil, closing claim: WorkClaim? = nil) async throws(JournalError) {
        let actor = self.actor
        try await store.write { writer in
            var run = run
            let clock = lease == nil && claim == nil ? run.startedAt : try writer.databaseTime() ?? run.startedAt
            if let lease { run.leaseUntil = clock + lease.milliseconds / 1000 }
            if let claim {
                guard var item = try writer.workItem(claim.itemID) else { throw Journal.noSuchItem(claim.itemID) }
                try claim.check(item)
                item.state = .started
                item.runID = run.id
                item.updatedAt = clock
                try writer.save(item)
            }
            try writer.insert(run)
            try Journal.audit(.init(action: .runStarted, runID: run.id, status: run.planHash, summary: run.startedSummary,
                                    digest: ChainHash.digest(run.plan)),
                              actor: actor, at: Date(timeIntervalSince1970: run.startedAt), in: writer)
        }
    }

    /// Appends an event to its run's chain; durable when this returns. With a `fence`, only
    /// while the run is still held at the fence's epoch (else `.fenced`, nothing kept).
    @discardableResult
    public func append(_ draft: JournalEvent.Draft, fence: RunFence? = nil) async throws(JournalError) -> JournalEvent {
        let appended = try await append([draft], fence: fence)
        guard let event = appended.first else {
            throw JournalError(.cannotWrite, "the journal \(path) did not return the event it appended to run \(draft.runID)")
        }
        return event
    }

    /// Appends several events in one transaction (one sync to disk): the
    /// intents of a batch of hosts, all durable before any command leaves.
    @discardableResult
    public func append(_ drafts: [JournalEvent.Draft], fence: RunFence? = nil) async throws(JournalError) -> [JournalEvent] {
        guard !drafts.isEmpty else { return [] }
        let (actor, location) = (self.actor, path)
        return try await store.write { writer in try Journal.append(drafts, actor: actor, location: location, fence: fence, in: writer) }
    }

    /// Appends events, each after its run's newest and each with its audit
    /// record, inside the caller's write; the fenced run's only if the fence still holds.
    static func append(_ drafts: [JournalEvent.Draft], actor: String, location: String, fence: RunFence? = nil,
                       in writer: any JournalWriter) throws -> [JournalEvent] {
        // The head of each run's chain, read once per run and then carried along the batch.
        var heads: [String: (sequence: Int, hash: String)] = [:]
        var appended: [JournalEvent] = []
        for draft in drafts {
            let head: (sequence: Int, hash: String)
            if let known = heads[draft.runID] {
                head = known
            } else {
                guard let run = try writer.run(draft.runID) else { throw noSuchRun(draft.runID, in: location) }
                if let fence, fence.runID == run.id { try fence.check(run) }
                let last = try writer.lastEvent(of: draft.runID)
                head = (last?.sequence ?? 0, last?.hash ?? JournalEvent.genesis)
            }
            let event = JournalEvent(draft: draft, sequence: head.sequence + 1, previousHash: head.hash)
            try writer.insert(event)
            try audit(.init(action: .event(event.kind), runID: event.runID, step: event.step, host: event.host, event: event.sequence,
                            exit: event.exit, status: event.status?.rawValue,
                            summary: event.command ?? event.detail.map { String($0.prefix(500)) }, digest: event.hash),
                      actor: actor, at: draft.at, in: writer)
            heads[draft.runID] = (event.sequence, event.hash)
            appended.append(event)
        }
        return appended
    }

    /// Sets how a run ended (with a `fence`, only while the run is held at its epoch).
    public func finish(run id: String, status: RunStatus, reason: String?, at date: Date = Date(), fence: RunFence? = nil) async throws(JournalError) {
        let (actor, location) = (self.actor, path)
        try await store.write { writer in
            guard var run = try writer.run(id) else { throw Journal.noSuchRun(id, in: location) }
            if let fence { try fence.check(run) }
            run.status = .ended(status)
            run.reason = reason
            run.finishedAt = date.timeIntervalSince1970
            try writer.update(run)
            try Journal.audit(.init(action: .runFinished, runID: id, status: status.rawValue, summary: reason), actor: actor, at: date,
                              in: writer)
        }
    }

    /// Every run, newest first.
    public func runs() async throws(JournalError) -> [JournalRun] {
        try await store.read { reader in try reader.runs() }
    }

    /// One page of runs, newest first (see `RunQuery`).
    public func runs(_ query: RunQuery) async throws(JournalError) -> [JournalRun] {
        try await store.read { try $0.runs(query) }
    }

    public func run(_ id: String) async throws(JournalError) -> JournalRun? {
        try await store.read { reader in try reader.run(id) }
    }

    /// The run's events from `sequence` on (all of them by default), in order.
    public func events(of run: String, from sequence: Int = 1) async throws(JournalError) -> [JournalEvent] {
        try await store.read { reader in try reader.events(of: run, from: sequence) }
    }

    /// Checks the run's hash chain: nil when intact, else the first event
    /// that does not follow from the one before it (changed, inserted, or
    /// the one after a deleted row).
    public func verify(run: String) async throws(JournalError) -> Int? {
        Journal.chainBreak(try await events(of: run))
    }

    public static func noSuchRun(_ id: String, in location: String) -> JournalError {
        JournalError(.noSuchRun, "the journal \(location) holds no run '\(id)'")
    }

    /// What `JournalWriter.markDecided` throws for an input decided already.
    public static func alreadyDecided(_ input: Int) -> JournalError {
        JournalError(.alreadyClaimed, "alert input \(input) was decided already (by another controller of this journal): nothing of this write was kept")
    }
}

extension Journal {
    /// Opens the journal of the state folder `directory` off the cooperative
    /// thread pool: opening and migrating touch the disk.
    public static func open(directory: String) async throws(JournalError) -> Journal {
        try await offThePool { () throws(JournalError) -> Journal in try Journal(directory: directory) }
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
