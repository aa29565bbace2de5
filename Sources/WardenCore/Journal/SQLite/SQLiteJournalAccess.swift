import GRDB

/// The journal's tables as one transaction of `SQLiteJournalStore` sees them.
/// Used only inside `read` and `write`, on GRDB's queue.
struct SQLiteJournalAccess: JournalWriter {
    let db: Database

    init(_ db: Database) {
        self.db = db
    }

    func runs() throws -> [JournalRun] {
        try JournalRun.order(Column("started_at").desc).fetchAll(db)
    }

    func runs(_ query: RunQuery) throws -> [JournalRun] {
        var request = JournalRun.all()
        if let status = query.status { request = request.filter(Column("status") == status.rawValue) }
        if let runbook = query.runbook { request = request.filter(Column("runbook") == runbook) }
        if let trigger = query.trigger { request = request.filter(Column("trigger") == trigger.rawValue) }
        if let initiator = query.initiator { request = request.filter(Column("initiator") == initiator) }
        if let after = query.after {
            request = request.filter(Column("started_at") < after.startedAt || (Column("started_at") == after.startedAt && Column("id") < after.id))
        }
        return try request.order(Column("started_at").desc, Column("id").desc).limit(query.limit).fetchAll(db)
    }

    func run(_ id: String) throws -> JournalRun? {
        try JournalRun.fetchOne(db, key: id)
    }

    func events(of run: String, from sequence: Int) throws -> [JournalEvent] {
        try JournalEvent.filter(Column("run_id") == run && Column("sequence") >= sequence).order(Column("sequence")).fetchAll(db)
    }

    func lastEvent(of run: String) throws -> JournalEvent? {
        // A cached statement: this runs for every event of every run.
        try JournalEvent.fetchOne(db.cachedStatement(sql: "SELECT * FROM events WHERE run_id = ? ORDER BY sequence DESC LIMIT 1"),
                                  arguments: [run])
    }

    func approvals(of run: String?) throws -> [Approval] {
        // rowid: the order they were recorded in, which is their audit records' order.
        let all = Approval.order(Column.rowID)
        return try (run.map { all.filter(Column("run_id") == $0) } ?? all).fetchAll(db)
    }

    func controllers() throws -> [ControllerRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM controllers ORDER BY id").map { row in
            ControllerRecord(id: row["id"], listen: row["listen"], version: row["version"], startedAt: row["started_at"],
                             heartbeatAt: row["heartbeat_at"], stoppedAt: row["stopped_at"])
        }
    }

    func save(_ controller: ControllerRecord) throws {
        try db.execute(sql: """
            INSERT INTO controllers (id, listen, version, started_at, heartbeat_at, stopped_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET listen = excluded.listen, version = excluded.version, started_at = excluded.started_at,
                heartbeat_at = excluded.heartbeat_at, stopped_at = excluded.stopped_at
            """, arguments: [controller.id, controller.listen, controller.version, controller.startedAt, controller.heartbeatAt, controller.stoppedAt])
    }

    func workItem(_ id: String) throws -> WorkItem? {
        try WorkItem.fetchOne(db, key: id)
    }

    func openWorkItems() throws -> [WorkItem] {
        try WorkItem.filter([WorkItem.State.ready.rawValue, WorkItem.State.claimed.rawValue].contains(Column("state")))
            .order(Column("created_at"), Column("id")).fetchAll(db)
    }

    func workItems(limit: Int) throws -> [WorkItem] {
        try WorkItem.order(Column("created_at").desc, Column("id").desc).limit(limit).fetchAll(db)
    }

    func save(_ item: WorkItem) throws {
        try item.save(db)
    }

    func locks() throws -> [RunLock] {
        try RunLock.order(Column("name")).fetchAll(db)
    }

    func lock(_ name: String) throws -> RunLock? {
        try RunLock.fetchOne(db, key: name)
    }

    func checkpoints() throws -> [Checkpoint] {
        try Checkpoint.order(Column.rowID).fetchAll(db)
    }

    func auditRecords(from sequence: Int) throws -> [AuditRecord] {
        try AuditRecord.filter(Column("sequence") >= sequence).order(Column("sequence")).fetchAll(db)
    }

    func lastAuditRecord() throws -> AuditRecord? {
        try AuditRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM audit ORDER BY sequence DESC LIMIT 1"))
    }

    func insert(_ run: JournalRun) throws {
        try run.insert(db)
    }

    func update(_ run: JournalRun) throws {
        try run.update(db)
    }

    func insert(_ event: JournalEvent) throws {
        try event.insert(db)
    }

    func insert(_ approval: Approval) throws {
        try approval.insert(db)
    }

    func insert(_ lock: RunLock) throws {
        try lock.insert(db)
    }

    func update(_ lock: RunLock) throws {
        try lock.update(db)
    }

    func deleteLock(_ name: String) throws {
        _ = try RunLock.deleteOne(db, key: name)
    }

    func insert(_ checkpoint: Checkpoint) throws {
        try checkpoint.insert(db)
    }

    func insert(_ record: AuditRecord) throws {
        try record.insert(db)
    }

    func alertInputs(from sequence: Int, limit: Int) throws -> [AlertInputEntry] {
        try AlertInputEntry.filter(Column("sequence") >= sequence).order(Column("sequence")).limit(limit).fetchAll(db)
    }

    func lastAlertInput() throws -> AlertInputEntry? {
        try AlertInputEntry.order(Column("sequence").desc).fetchOne(db)
    }

    func alertDecisions(from sequence: Int, limit: Int) throws -> [AlertDecisionEntry] {
        try AlertDecisionEntry.filter(Column("sequence") >= sequence).order(Column("sequence")).limit(limit).fetchAll(db)
    }

    func lastAlertDecision() throws -> AlertDecisionEntry? {
        try AlertDecisionEntry.order(Column("sequence").desc).fetchOne(db)
    }

    func insert(_ input: AlertInputEntry) throws {
        try input.insert(db)
    }

    func markDecided(alertInput sequence: Int, at: Double) throws {
        // One statement on the common path: a burst decides hundreds of inputs in a write.
        try db.execute(sql: "UPDATE alert_inputs SET decided_at = ? WHERE sequence = ? AND decided_at IS NULL", arguments: [at, sequence])
        guard db.changesCount == 0 else { return }
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM alert_inputs WHERE sequence = ?", arguments: [sequence]) != nil else {
            throw JournalError(.cannotWrite, "the journal holds no alert input \(sequence)")
        }
        throw Journal.alreadyDecided(sequence)
    }

    func insert(_ decision: AlertDecisionEntry) throws {
        try decision.insert(db)
    }

    func scheduleEvents(from sequence: Int, limit: Int) throws -> [ScheduleEventEntry] {
        try ScheduleEventEntry.filter(Column("sequence") >= sequence).order(Column("sequence")).limit(limit).fetchAll(db)
    }

    func lastScheduleEvent() throws -> ScheduleEventEntry? {
        try ScheduleEventEntry.order(Column("sequence").desc).fetchOne(db)
    }

    func scheduleEvents(schedule: String, occurrence: Double?) throws -> [ScheduleEventEntry] {
        var request = ScheduleEventEntry.filter(Column("schedule") == schedule)
        if let occurrence { request = request.filter(Column("occurrence") == occurrence) }
        return try request.order(Column("sequence")).fetchAll(db)
    }

    func insert(_ event: ScheduleEventEntry) throws {
        do {
            try event.insert(db)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && event.kind.claimsOccurrence {
            // A partial unique index refused a second firing or outcome. Its message names only
            // the columns, so the holder is read back (only the failed statement was undone; the
            // transaction still reads) to say who holds the claim. Throwing rolls the whole
            // transaction back: nothing of the batch is kept.
            guard let occurrence = event.occurrence,
                  let holder = try ScheduleEventEntry.filter(Column("schedule") == event.schedule && Column("occurrence") == occurrence
                                                                 && Column("kind") == event.kind.rawValue).fetchOne(db)
            else { throw error }
            throw event.alreadyClaimed(by: holder)
        }
    }
}
