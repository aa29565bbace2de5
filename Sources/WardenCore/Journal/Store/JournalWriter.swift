/// What a store lets `Journal` change, inside one `JournalStore.write`. Each
/// call stores what it is given as it is: numbering, hashing and auditing
/// are `Journal`'s.
public protocol JournalWriter: JournalReader {
    /// Throws when a run with its id exists.
    func insert(_ run: JournalRun) throws
    /// Replaces the stored run with the same id (how it ended, who controls it).
    func update(_ run: JournalRun) throws
    /// Throws when its run already has an event with its sequence.
    func insert(_ event: JournalEvent) throws
    func insert(_ approval: Approval) throws
    /// Throws when a lock of that name is held.
    func insert(_ lock: RunLock) throws
    /// Replaces the stored lock of the same name (its lease, its controller).
    func update(_ lock: RunLock) throws
    func deleteLock(_ name: String) throws
    func insert(_ checkpoint: Checkpoint) throws
    /// Throws when a record with its sequence exists.
    func insert(_ record: AuditRecord) throws
    /// Throws if its sequence is taken.
    func insert(_ input: AlertInputEntry) throws
    /// Sets the input's `decidedAt`; throws `Journal.alreadyDecided` if it has one (another
    /// controller of the journal decided it first), and throws if there is no such input.
    func markDecided(alertInput sequence: Int, at: Double) throws
    /// Throws if its sequence is taken.
    func insert(_ decision: AlertDecisionEntry) throws
    /// Throws if its sequence is taken; throws `.alreadyClaimed` when it is a `firing` or an
    /// `outcome` and its occurrence has one already (the write then keeps nothing).
    func insert(_ event: ScheduleEventEntry) throws
    /// Stores the controller's record, replacing the one with its id.
    func save(_ controller: ControllerRecord) throws
    /// Stores the work item, replacing the one with its id.
    func save(_ item: WorkItem) throws
    /// Sends `signal` to the other processes sharing the journal when this write commits
    /// (nothing if it rolls back); stores without signals ignore it.
    func signal(_ signal: JournalSignal) throws
}

extension JournalWriter {
    public func signal(_ signal: JournalSignal) throws {}
}
