/// The contents of a `MemoryJournalStore` within one read or write. A
/// write works on its own copy, which the store keeps only when the write
/// succeeds: a failed one leaves nothing, as a rolled-back transaction.
final class MemoryJournalAccess: JournalWriter {
    private(set) var contents: MemoryJournalContents
    private let location: String

    init(_ contents: MemoryJournalContents, location: String) {
        self.contents = contents
        self.location = location
    }

    func runs() throws -> [JournalRun] {
        contents.runs.sorted { $0.startedAt > $1.startedAt }
    }

    func runs(_ query: RunQuery) throws -> [JournalRun] {
        let ordered = contents.runs.sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
        return Array(ordered.lazy.filter { query.matches($0) && (query.after?.precedes($0) ?? true) }.prefix(query.limit))
    }

    func run(_ id: String) throws -> JournalRun? {
        contents.runs.first { $0.id == id }
    }

    func events(of run: String, from sequence: Int) throws -> [JournalEvent] {
        (contents.events[run] ?? []).filter { $0.sequence >= sequence }.sorted { $0.sequence < $1.sequence }
    }

    func lastEvent(of run: String) throws -> JournalEvent? {
        contents.events[run]?.max { $0.sequence < $1.sequence }
    }

    func approvals(of run: String?) throws -> [Approval] {
        contents.approvals.filter { run == nil || $0.runID == run }
    }

    func controllers() throws -> [ControllerRecord] {
        contents.controllers.values.sorted { $0.id < $1.id }
    }

    func save(_ controller: ControllerRecord) throws {
        contents.controllers[controller.id] = controller
    }

    func workItem(_ id: String) throws -> WorkItem? {
        contents.workItems[id]
    }

    func openWorkItems() throws -> [WorkItem] {
        contents.workItems.values.filter(\.state.isOpen).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func workItems(limit: Int) throws -> [WorkItem] {
        Array(contents.workItems.values.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(limit))
    }

    func save(_ item: WorkItem) throws {
        contents.workItems[item.id] = item
    }

    func locks() throws -> [RunLock] {
        contents.locks.values.sorted { $0.name < $1.name }
    }

    func lock(_ name: String) throws -> RunLock? {
        contents.locks[name]
    }

    func checkpoints() throws -> [Checkpoint] {
        contents.checkpoints
    }

    func auditRecords(from sequence: Int) throws -> [AuditRecord] {
        contents.audit.filter { $0.sequence >= sequence }.sorted { $0.sequence < $1.sequence }
    }

    func lastAuditRecord() throws -> AuditRecord? {
        contents.audit.max { $0.sequence < $1.sequence }
    }

    func insert(_ run: JournalRun) throws {
        guard try self.run(run.id) == nil else { throw taken("a run with the id \(run.id)") }
        contents.runs.append(run)
    }

    func update(_ run: JournalRun) throws {
        guard let index = contents.runs.firstIndex(where: { $0.id == run.id }) else { throw missing("run \(run.id)") }
        contents.runs[index] = run
    }

    func insert(_ event: JournalEvent) throws {
        guard !(contents.events[event.runID] ?? []).contains(where: { $0.sequence == event.sequence }) else {
            throw taken("event \(event.sequence) of run \(event.runID)")
        }
        contents.events[event.runID, default: []].append(event)
    }

    func insert(_ approval: Approval) throws {
        contents.approvals.append(approval)
    }

    func insert(_ lock: RunLock) throws {
        guard contents.locks[lock.name] == nil else { throw taken("lock '\(lock.name)'") }
        contents.locks[lock.name] = lock
    }

    func update(_ lock: RunLock) throws {
        guard contents.locks[lock.name] != nil else { throw missing("lock '\(lock.name)'") }
        contents.locks[lock.name] = lock
    }

    func deleteLock(_ name: String) throws {
        contents.locks[name] = nil
    }

    func insert(_ checkpoint: Checkpoint) throws {
        contents.checkpoints.append(checkpoint)
    }

    func insert(_ record: AuditRecord) throws {
        guard !contents.audit.contains(where: { $0.sequence == record.sequence }) else { throw taken("audit record \(record.sequence)") }
        contents.audit.append(record)
    }

    func alertInputs(from sequence: Int, limit: Int) throws -> [AlertInputEntry] {
        Array(contents.alertInputs.filter { $0.sequence >= sequence }.prefix(limit))
    }

    func lastAlertInput() throws -> AlertInputEntry? {
        contents.alertInputs.last
    }

    func alertDecisions(from sequence: Int, limit: Int) throws -> [AlertDecisionEntry] {
        Array(contents.alertDecisions.filter { $0.sequence >= sequence }.prefix(limit))
    }

    func lastAlertDecision() throws -> AlertDecisionEntry? {
        contents.alertDecisions.last
    }

    func insert(_ input: AlertInputEntry) throws {
        guard !contents.alertInputs.contains(where: { $0.sequence == input.sequence }) else { throw taken("alert input \(input.sequence)") }
        contents.alertInputs.append(input)
    }

    func markDecided(alertInput sequence: Int, at: Double) throws {
        guard let index = contents.alertInputs.firstIndex(where: { $0.sequence == sequence }) else { throw missing("alert input \(sequence)") }
        guard contents.alertInputs[index].decidedAt == nil else { throw Journal.alreadyDecided(sequence) }
        contents.alertInputs[index].decidedAt = at
    }

    func insert(_ decision: AlertDecisionEntry) throws {
        guard !contents.alertDecisions.contains(where: { $0.sequence == decision.sequence }) else {
            throw taken("alert decision \(decision.sequence)")
        }
        contents.alertDecisions.append(decision)
    }

    func scheduleEvents(from sequence: Int, limit: Int) throws -> [ScheduleEventEntry] {
        Array(contents.scheduleEvents.filter { $0.sequence >= sequence }.prefix(limit))
    }

    func lastScheduleEvent() throws -> ScheduleEventEntry? {
        contents.scheduleEvents.last
    }

    func scheduleEvents(schedule: String, occurrence: Double?) throws -> [ScheduleEventEntry] {
        contents.scheduleEvents.filter { $0.schedule == schedule && (occurrence == nil || $0.occurrence == occurrence) }
    }

    func insert(_ event: ScheduleEventEntry) throws {
        guard !contents.scheduleEvents.contains(where: { $0.sequence == event.sequence }) else { throw taken("schedule event \(event.sequence)") }
        // What SQLite's partial unique indexes refuse. The write works on a copy the store
        // drops when it throws, so nothing of the batch is kept, as with a rollback.
        if let holder = contents.scheduleEvents.first(where: event.isClaimed(by:)) { throw event.alreadyClaimed(by: holder) }
        contents.scheduleEvents.append(event)
    }

    private func taken(_ what: String) -> JournalError {
        JournalError(.cannotWrite, "cannot write to the journal \(location): it already holds \(what)")
    }

    private func missing(_ what: String) -> JournalError {
        JournalError(.cannotWrite, "cannot write to the journal \(location): it holds no \(what)")
    }
}
