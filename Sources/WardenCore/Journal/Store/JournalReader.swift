/// What a store lets `Journal` read, inside one `JournalStore.read` or
/// `write` (so within one consistent state). Orders are part of the contract:
/// verification pairs rows with their audit records in these orders.
public protocol JournalReader {
    /// Every run, newest first (by `startedAt`).
    func runs() throws -> [JournalRun]
    /// One page of runs matching the query, newest first (by `startedAt`, then id).
    func runs(_ query: RunQuery) throws -> [JournalRun]
    func run(_ id: String) throws -> JournalRun?
    /// The run's events with a sequence of at least `sequence`, in sequence order.
    func events(of run: String, from sequence: Int) throws -> [JournalEvent]
    /// The run's event with the highest sequence: the one a new event chains to.
    func lastEvent(of run: String) throws -> JournalEvent?
    /// Approvals in the order they were recorded: every run's when `run` is nil.
    func approvals(of run: String?) throws -> [Approval]
    /// The locks held, by name.
    func locks() throws -> [RunLock]
    func lock(_ name: String) throws -> RunLock?
    /// Checkpoints in the order they were recorded.
    func checkpoints() throws -> [Checkpoint]
    /// Audit records with a sequence of at least `sequence`, in sequence order.
    func auditRecords(from sequence: Int) throws -> [AuditRecord]
    /// The audit record with the highest sequence: the one a new record chains to.
    func lastAuditRecord() throws -> AuditRecord?
    /// Alert inputs from `sequence` on, oldest first, at most `limit`.
    func alertInputs(from sequence: Int, limit: Int) throws -> [AlertInputEntry]
    func lastAlertInput() throws -> AlertInputEntry?
    /// Alert decisions from `sequence` on, oldest first, at most `limit`.
    func alertDecisions(from sequence: Int, limit: Int) throws -> [AlertDecisionEntry]
    func lastAlertDecision() throws -> AlertDecisionEntry?
    /// Schedule events from `sequence` on, oldest first, at most `limit`.
    func scheduleEvents(from sequence: Int, limit: Int) throws -> [ScheduleEventEntry]
    func lastScheduleEvent() throws -> ScheduleEventEntry?
    /// The schedule's events, oldest first: those of one occurrence when `occurrence` is set, else all of them.
    func scheduleEvents(schedule: String, occurrence: Double?) throws -> [ScheduleEventEntry]
    /// The journal's own clock (seconds since 1970), which run leases are judged by when several
    /// machines share the journal: a database's `now()`, never a controller's. Nil for a store
    /// one machine alone uses (a state folder): the caller's clock is the journal's.
    func databaseTime() throws -> Double?
    /// The controllers registered in the journal, by id.
    func controllers() throws -> [ControllerRecord]
    func workItem(_ id: String) throws -> WorkItem?
    /// The work items that may still start (`ready`, `claimed`), oldest first (by `createdAt`, then id).
    func openWorkItems() throws -> [WorkItem]
    /// The `limit` most recent work items, newest first (by `createdAt`, then id).
    func workItems(limit: Int) throws -> [WorkItem]
}

extension JournalReader {
    public func databaseTime() throws -> Double? { nil }
}
