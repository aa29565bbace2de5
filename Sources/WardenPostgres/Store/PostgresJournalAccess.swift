import NIOCore
import PostgresNIO
import WardenCore

/// The journal's tables as one transaction of `PostgresJournalStore` sees them: used only
/// inside `read` and `write`, on the thread holding the lane. Each call is one query.
struct PostgresJournalAccess: JournalWriter {
    let lane: PostgresLane
    /// Inside a write: rows read to be changed are locked (`FOR UPDATE`) against claimers, which
    /// change work items without the write lock (`PostgresJournalStore.claimWork`).
    var writing = false

    private func rows(_ query: PostgresQuery) throws -> [PostgresRandomAccessRow] {
        try lane.query(query).rows.map { $0.makeRandomAccess() }
    }

    /// Runs `query` and returns how many rows it changed.
    @discardableResult
    private func change(_ query: PostgresQuery) throws -> Int {
        try lane.query(query).metadata.rows ?? 0
    }

    // MARK: Runs

    func runs() throws -> [JournalRun] {
        try rows("SELECT * FROM runs ORDER BY started_at DESC").map(PostgresRecords.run)
    }

    func runs(_ query: RunQuery) throws -> [JournalRun] {
        var bindings = PostgresBindings()
        var conditions: [String] = []
        func bind(_ value: String) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        if let status = query.status { conditions.append("status = \(bind(status.rawValue))") }
        if let runbook = query.runbook { conditions.append("runbook = \(bind(runbook))") }
        if let trigger = query.trigger { conditions.append("\"trigger\" = \(bind(trigger.rawValue))") }
        if let initiator = query.initiator { conditions.append("initiator = \(bind(initiator))") }
        if let after = query.after {
            bindings.append(after.startedAt)
            let started = "$\(bindings.count)"
            conditions.append("(started_at < \(started) OR (started_at = \(started) AND id < \(bind(after.id))))")
        }
        bindings.append(query.limit)
        let limit = "$\(bindings.count)"
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try rows(PostgresQuery(unsafeSQL: "SELECT * FROM runs\(filter) ORDER BY started_at DESC, id DESC LIMIT \(limit)", binds: bindings))
            .map(PostgresRecords.run)
    }

    func run(_ id: String) throws -> JournalRun? {
        try rows("SELECT * FROM runs WHERE id = \(id)").first.map(PostgresRecords.run)
    }

    func insert(_ run: JournalRun) throws {
        try change("""
            INSERT INTO runs (id, runbook, file, initiator, controller, plan_hash, parameters, status, reason, started_at, finished_at,
                              plan, "trigger", inventory, epoch, lease_until, stop_request)
            VALUES (\(run.id), \(run.runbook), \(run.file), \(run.initiator), \(run.controller), \(run.planHash), \(run.parameters),
                    \(run.status.rawValue), \(run.reason), \(run.startedAt), \(run.finishedAt), \(run.plan), \(run.trigger.rawValue),
                    \(run.inventory), \(run.epoch), \(run.leaseUntil), \(run.stopRequest))
            """)
    }

    func update(_ run: JournalRun) throws {
        try change("""
            UPDATE runs SET runbook = \(run.runbook), file = \(run.file), initiator = \(run.initiator), controller = \(run.controller),
                plan_hash = \(run.planHash), parameters = \(run.parameters), status = \(run.status.rawValue), reason = \(run.reason),
                started_at = \(run.startedAt), finished_at = \(run.finishedAt), plan = \(run.plan), "trigger" = \(run.trigger.rawValue),
                inventory = \(run.inventory), epoch = \(run.epoch), lease_until = \(run.leaseUntil), stop_request = \(run.stopRequest)
            WHERE id = \(run.id)
            """)
    }

    // MARK: Events

    func events(of run: String, from sequence: Int) throws -> [JournalEvent] {
        try rows("SELECT * FROM events WHERE run_id = \(run) AND sequence >= \(sequence) ORDER BY sequence").map(PostgresRecords.event)
    }

    func lastEvent(of run: String) throws -> JournalEvent? {
        try rows("SELECT * FROM events WHERE run_id = \(run) ORDER BY sequence DESC LIMIT 1").first.map(PostgresRecords.event)
    }

    func insert(_ event: JournalEvent) throws {
        try change("""
            INSERT INTO events (run_id, sequence, at, kind, step, host, command, status, exit, detail, previous_hash, hash)
            VALUES (\(event.runID), \(event.sequence), \(event.at), \(event.kind.rawValue), \(event.step), \(event.host), \(event.command),
                    \(event.status?.rawValue), \(event.exit), \(event.detail), \(event.previousHash), \(event.hash))
            """)
    }

    // MARK: Approvals, locks, checkpoints

    func approvals(of run: String?) throws -> [Approval] {
        if let run {
            return try rows("SELECT * FROM approvals WHERE run_id = \(run) ORDER BY ord").map(PostgresRecords.approval)
        }
        return try rows("SELECT * FROM approvals ORDER BY ord").map(PostgresRecords.approval)
    }

    func insert(_ approval: Approval) throws {
        try change("""
            INSERT INTO approvals (run_id, step, approver, decision, comment, plan_hash, at, signature)
            VALUES (\(approval.runID), \(approval.step), \(approval.approver), \(approval.decision.rawValue), \(approval.comment),
                    \(approval.planHash), \(approval.at), \(approval.signature))
            """)
    }

    func locks() throws -> [RunLock] {
        try rows("SELECT * FROM locks ORDER BY name").map(PostgresRecords.lock)
    }

    func lock(_ name: String) throws -> RunLock? {
        try rows("SELECT * FROM locks WHERE name = \(name)").first.map(PostgresRecords.lock)
    }

    func insert(_ lock: RunLock) throws {
        try change("""
            INSERT INTO locks (name, run_id, holder, controller, acquired_at, expires_at, host)
            VALUES (\(lock.name), \(lock.runID), \(lock.holder), \(lock.controller), \(lock.acquiredAt), \(lock.expiresAt), \(lock.host))
            """)
    }

    func update(_ lock: RunLock) throws {
        try change("""
            UPDATE locks SET run_id = \(lock.runID), holder = \(lock.holder), controller = \(lock.controller),
                acquired_at = \(lock.acquiredAt), expires_at = \(lock.expiresAt), host = \(lock.host)
            WHERE name = \(lock.name)
            """)
    }

    func deleteLock(_ name: String) throws {
        try change("DELETE FROM locks WHERE name = \(name)")
    }

    func checkpoints() throws -> [Checkpoint] {
        try rows("SELECT * FROM checkpoints ORDER BY ord").map(PostgresRecords.checkpoint)
    }

    func insert(_ checkpoint: Checkpoint) throws {
        try change("""
            INSERT INTO checkpoints (run_id, phase, audit_sequence, audit_hash, signer, signature, at)
            VALUES (\(checkpoint.runID), \(checkpoint.phase.rawValue), \(checkpoint.auditSequence), \(checkpoint.auditHash),
                    \(checkpoint.signer), \(checkpoint.signature), \(checkpoint.at))
            """)
    }

    // MARK: Audit

    func auditRecords(from sequence: Int) throws -> [AuditRecord] {
        try rows("SELECT * FROM audit WHERE sequence >= \(sequence) ORDER BY sequence").map(PostgresRecords.audit)
    }

    func lastAuditRecord() throws -> AuditRecord? {
        try rows("SELECT * FROM audit ORDER BY sequence DESC LIMIT 1").first.map(PostgresRecords.audit)
    }

    func insert(_ record: AuditRecord) throws {
        try change("""
            INSERT INTO audit (sequence, at, actor, action, run_id, step, host, "lock", event, exit, status, summary, digest, previous_hash, hash)
            VALUES (\(record.sequence), \(record.at), \(record.actor), \(record.action.rawValue), \(record.runID), \(record.step),
                    \(record.host), \(record.lock), \(record.event), \(record.exit), \(record.status), \(record.summary), \(record.digest),
                    \(record.previousHash), \(record.hash))
            """)
    }

    // MARK: Alerts

    func alertInputs(from sequence: Int, limit: Int) throws -> [AlertInputEntry] {
        try rows("SELECT * FROM alert_inputs WHERE sequence >= \(sequence) ORDER BY sequence LIMIT \(limit)").map(PostgresRecords.alertInput)
    }

    func lastAlertInput() throws -> AlertInputEntry? {
        try rows("SELECT * FROM alert_inputs ORDER BY sequence DESC LIMIT 1").first.map(PostgresRecords.alertInput)
    }

    func insert(_ input: AlertInputEntry) throws {
        let body = input.body.map { ByteBuffer(bytes: $0) }
        try change("""
            INSERT INTO alert_inputs (sequence, at, kind, source, body, run_id, incident, detail, decided_at)
            VALUES (\(input.sequence), \(input.at), \(input.kind.rawValue), \(input.source), \(body), \(input.run), \(input.incident),
                    \(input.detail), \(input.decidedAt))
            """)
    }

    func markDecided(alertInput sequence: Int, at: Double) throws {
        guard try change("UPDATE alert_inputs SET decided_at = \(at) WHERE sequence = \(sequence) AND decided_at IS NULL") == 0 else { return }
        guard try !rows("SELECT sequence FROM alert_inputs WHERE sequence = \(sequence)").isEmpty else {
            throw JournalError(.cannotWrite, "the journal holds no alert input \(sequence)")
        }
        throw Journal.alreadyDecided(sequence)
    }

    func alertDecisions(from sequence: Int, limit: Int) throws -> [AlertDecisionEntry] {
        try rows("SELECT * FROM alert_decisions WHERE sequence >= \(sequence) ORDER BY sequence LIMIT \(limit)").map(PostgresRecords.alertDecision)
    }

    func lastAlertDecision() throws -> AlertDecisionEntry? {
        try rows("SELECT * FROM alert_decisions ORDER BY sequence DESC LIMIT 1").first.map(PostgresRecords.alertDecision)
    }

    func insert(_ decision: AlertDecisionEntry) throws {
        try change("""
            INSERT INTO alert_decisions (sequence, input, at, kind, rule, key, incident, run_id, summary)
            VALUES (\(decision.sequence), \(decision.input), \(decision.at), \(decision.kind), \(decision.rule), \(decision.key),
                    \(decision.incident), \(decision.run), \(decision.summary))
            """)
    }

    // MARK: Schedules

    func scheduleEvents(from sequence: Int, limit: Int) throws -> [ScheduleEventEntry] {
        try rows("SELECT * FROM schedule_events WHERE sequence >= \(sequence) ORDER BY sequence LIMIT \(limit)").map(PostgresRecords.scheduleEvent)
    }

    func lastScheduleEvent() throws -> ScheduleEventEntry? {
        try rows("SELECT * FROM schedule_events ORDER BY sequence DESC LIMIT 1").first.map(PostgresRecords.scheduleEvent)
    }

    func scheduleEvents(schedule: String, occurrence: Double?) throws -> [ScheduleEventEntry] {
        if let occurrence {
            return try rows("SELECT * FROM schedule_events WHERE schedule = \(schedule) AND occurrence = \(occurrence) ORDER BY sequence")
                .map(PostgresRecords.scheduleEvent)
        }
        return try rows("SELECT * FROM schedule_events WHERE schedule = \(schedule) ORDER BY sequence").map(PostgresRecords.scheduleEvent)
    }

    func insert(_ event: ScheduleEventEntry) throws {
        // A failed statement aborts a PostgreSQL transaction, so the holder of a claim cannot be
        // read after the unique index refused it: it is looked for first (every writer holds the
        // write lock, so nobody claims in between), and the index stays the backstop.
        if event.kind.claimsOccurrence, let occurrence = event.occurrence,
           let holder = try rows("""
               SELECT * FROM schedule_events WHERE schedule = \(event.schedule) AND occurrence = \(occurrence) AND kind = \(event.kind.rawValue)
               LIMIT 1
               """).first.map(PostgresRecords.scheduleEvent) {
            throw event.alreadyClaimed(by: holder)
        }
        try change("""
            INSERT INTO schedule_events (sequence, at, schedule, occurrence, kind, actor, run, plan_hash, detail)
            VALUES (\(event.sequence), \(event.at), \(event.schedule), \(event.occurrence), \(event.kind.rawValue), \(event.actor),
                    \(event.run), \(event.planHash), \(event.detail))
            """)
    }

    // MARK: Controllers

    func controllers() throws -> [ControllerRecord] {
        try rows("SELECT * FROM controllers ORDER BY id").map { row in
            ControllerRecord(id: try row["id"].decode(String.self), listen: try row["listen"].decode(String.self),
                             version: try row["version"].decode(String.self), startedAt: try row["started_at"].decode(Double.self),
                             heartbeatAt: try row["heartbeat_at"].decode(Double.self), stoppedAt: try row["stopped_at"].decode(Double?.self))
        }
    }

    func save(_ controller: ControllerRecord) throws {
        try change("""
            INSERT INTO controllers (id, listen, version, started_at, heartbeat_at, stopped_at)
            VALUES (\(controller.id), \(controller.listen), \(controller.version), \(controller.startedAt), \(controller.heartbeatAt),
                    \(controller.stoppedAt))
            ON CONFLICT (id) DO UPDATE SET listen = excluded.listen, version = excluded.version, started_at = excluded.started_at,
                heartbeat_at = excluded.heartbeat_at, stopped_at = excluded.stopped_at
            """)
    }

    // MARK: Work items

    func workItem(_ id: String) throws -> WorkItem? {
        let query: PostgresQuery = writing ? "SELECT * FROM work_items WHERE id = \(id) FOR UPDATE" : "SELECT * FROM work_items WHERE id = \(id)"
        return try rows(query).first.map(PostgresRecords.workItem)
    }

    func openWorkItems() throws -> [WorkItem] {
        try rows("SELECT * FROM work_items WHERE state IN ('ready', 'claimed') ORDER BY created_at, id").map(PostgresRecords.workItem)
    }

    func workItems(limit: Int) throws -> [WorkItem] {
        try rows("SELECT * FROM work_items ORDER BY created_at DESC, id DESC LIMIT \(limit)").map(PostgresRecords.workItem)
    }

    func save(_ item: WorkItem) throws {
        try change("""
            INSERT INTO work_items (id, kind, payload, requester, created_at, not_after, state, claimed_by, epoch, lease_until, attempts,
                                    run_id, outcome, updated_at)
            VALUES (\(item.id), \(item.kind.rawValue), \(item.payload), \(item.requester), \(item.createdAt), \(item.notAfter),
                    \(item.state.rawValue), \(item.claimedBy), \(item.epoch), \(item.leaseUntil), \(item.attempts), \(item.runID),
                    \(item.outcome), \(item.updatedAt))
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, payload = excluded.payload, requester = excluded.requester,
                created_at = excluded.created_at, not_after = excluded.not_after, state = excluded.state, claimed_by = excluded.claimed_by,
                epoch = excluded.epoch, lease_until = excluded.lease_until, attempts = excluded.attempts, run_id = excluded.run_id,
                outcome = excluded.outcome, updated_at = excluded.updated_at
            """)
    }

    // MARK: Signals

    func signal(_ signal: JournalSignal) throws {
        // Delivered when the transaction commits, and not at all if it rolls back.
        switch signal {
        case .work: try change("SELECT pg_notify(\(PostgresSignals.workChannel), '')")
        case let .stop(runID): try change("SELECT pg_notify(\(PostgresSignals.stopChannel), \(runID))")
        }
    }

    // MARK: Clock

    /// The server's clock now, in seconds since 1970: what leases are judged by (the statements
    /// that renew and claim without `databaseTime()` read it inline).
    static let clock = "extract(epoch FROM clock_timestamp())::float8"

    func databaseTime() throws -> Double? {
        try rows(PostgresQuery(unsafeSQL: "SELECT \(PostgresJournalAccess.clock)")).first.map { try $0[0].decode(Double.self) }
    }
}
