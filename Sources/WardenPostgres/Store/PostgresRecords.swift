import NIOCore
import PostgresNIO
import WardenCore

/// The journal's records from rows of `PostgresSchema`'s tables: every column by name, every
/// stored kind and status through `StoredValue`, so one this version does not know is refused
/// naming it, as SQLite's store refuses it.
enum PostgresRecords {
    static func run(_ row: PostgresRandomAccessRow) throws -> JournalRun {
        let id = try row["id"].decode(String.self)
        var run = JournalRun(
            id: id, runbook: try row["runbook"].decode(String.self), file: try row["file"].decode(String.self),
            initiator: try row["initiator"].decode(String.self), controller: try row["controller"].decode(String.self),
            planHash: try row["plan_hash"].decode(String.self), parameters: try row["parameters"].decode(String.self),
            status: try StoredValue.decode(try row["status"].decode(String.self), as: JournalRun.Status.self, what: "status", at: "run \(id)"),
            reason: try row["reason"].decode(String?.self), plan: try row["plan"].decode(String?.self),
            trigger: try StoredValue.decode(try row["trigger"].decode(String.self), as: RunTrigger.self, what: "trigger", at: "run \(id)"),
            inventory: try row["inventory"].decode(String?.self))
        // Set as stored: through a Date they could come back a bit off.
        run.startedAt = try row["started_at"].decode(Double.self)
        run.finishedAt = try row["finished_at"].decode(Double?.self)
        run.epoch = try row["epoch"].decode(Int.self)
        run.leaseUntil = try row["lease_until"].decode(Double?.self)
        run.stopRequest = try row["stop_request"].decode(String?.self)
        return run
    }

    static func workItem(_ row: PostgresRandomAccessRow) throws -> WorkItem {
        let id = try row["id"].decode(String.self)
        return WorkItem(
            id: id, kind: try StoredValue.decode(try row["kind"].decode(String.self), as: WorkItem.Kind.self, what: "work item kind", at: "work item \(id)"),
            payload: try row["payload"].decode(String.self), requester: try row["requester"].decode(String.self),
            createdAt: try row["created_at"].decode(Double.self), notAfter: try row["not_after"].decode(Double.self),
            state: try StoredValue.decode(try row["state"].decode(String.self), as: WorkItem.State.self, what: "work item state", at: "work item \(id)"),
            claimedBy: try row["claimed_by"].decode(String?.self), epoch: try row["epoch"].decode(Int.self),
            leaseUntil: try row["lease_until"].decode(Double?.self), attempts: try row["attempts"].decode(Int.self),
            runID: try row["run_id"].decode(String?.self), outcome: try row["outcome"].decode(String?.self),
            updatedAt: try row["updated_at"].decode(Double.self))
    }

    static func event(_ row: PostgresRandomAccessRow) throws -> JournalEvent {
        let runID = try row["run_id"].decode(String.self)
        let sequence = try row["sequence"].decode(Int.self)
        let place = "event \(sequence) of run \(runID)"
        return JournalEvent(
            runID: runID, sequence: sequence, at: try row["at"].decode(Double.self),
            kind: try StoredValue.decode(try row["kind"].decode(String.self), as: JournalEvent.Kind.self, what: "kind", at: place),
            step: try row["step"].decode(String?.self), host: try row["host"].decode(String?.self), command: try row["command"].decode(String?.self),
            status: try StoredValue.decodeIfPresent(try row["status"].decode(String?.self), as: StepStatus.self, what: "status", at: place),
            exit: try row["exit"].decode(Int?.self), detail: try row["detail"].decode(String?.self),
            previousHash: try row["previous_hash"].decode(String.self), hash: try row["hash"].decode(String.self))
    }

    static func approval(_ row: PostgresRandomAccessRow) throws -> Approval {
        let (runID, approver) = (try row["run_id"].decode(String.self), try row["approver"].decode(String.self))
        var approval = Approval(
            runID: runID, step: try row["step"].decode(String.self), approver: approver,
            decision: try StoredValue.decode(try row["decision"].decode(String.self), as: Approval.Decision.self, what: "decision",
                                             at: "the approval by \(approver) of run \(runID)"),
            comment: try row["comment"].decode(String?.self), planHash: try row["plan_hash"].decode(String.self),
            signature: try row["signature"].decode(String?.self))
        approval.at = try row["at"].decode(Double.self)
        return approval
    }

    static func lock(_ row: PostgresRandomAccessRow) throws -> RunLock {
        var lock = RunLock(name: try row["name"].decode(String.self), runID: try row["run_id"].decode(String.self),
                           holder: try row["holder"].decode(String.self), controller: try row["controller"].decode(String.self),
                           host: try row["host"].decode(String?.self))
        lock.acquiredAt = try row["acquired_at"].decode(Double.self)
        lock.expiresAt = try row["expires_at"].decode(Double?.self)
        return lock
    }

    static func checkpoint(_ row: PostgresRandomAccessRow) throws -> Checkpoint {
        let runID = try row["run_id"].decode(String.self)
        var checkpoint = Checkpoint(
            runID: runID,
            phase: try StoredValue.decode(try row["phase"].decode(String.self), as: Checkpoint.Phase.self, what: "phase",
                                          at: "a checkpoint of run \(runID)"),
            auditSequence: try row["audit_sequence"].decode(Int.self), auditHash: try row["audit_hash"].decode(String.self),
            signer: try row["signer"].decode(String.self), signature: try row["signature"].decode(String.self))
        checkpoint.at = try row["at"].decode(Double.self)
        return checkpoint
    }

    static func audit(_ row: PostgresRandomAccessRow) throws -> AuditRecord {
        let sequence = try row["sequence"].decode(Int.self)
        return AuditRecord(
            sequence: sequence, at: try row["at"].decode(Double.self), actor: try row["actor"].decode(String.self),
            action: try StoredValue.decode(try row["action"].decode(String.self), as: AuditRecord.Action.self, what: "action",
                                           at: "audit record \(sequence)"),
            runID: try row["run_id"].decode(String?.self), step: try row["step"].decode(String?.self), host: try row["host"].decode(String?.self),
            lock: try row["lock"].decode(String?.self), event: try row["event"].decode(Int?.self), exit: try row["exit"].decode(Int?.self),
            status: try row["status"].decode(String?.self), summary: try row["summary"].decode(String?.self),
            digest: try row["digest"].decode(String?.self), previousHash: try row["previous_hash"].decode(String.self),
            hash: try row["hash"].decode(String.self))
    }

    static func alertInput(_ row: PostgresRandomAccessRow) throws -> AlertInputEntry {
        let sequence = try row["sequence"].decode(Int.self)
        return AlertInputEntry(
            sequence: sequence, at: try row["at"].decode(Double.self),
            kind: try StoredValue.decode(try row["kind"].decode(String.self), as: AlertInputEntry.Kind.self, what: "alert input kind",
                                         at: "alert input \(sequence)"),
            source: try row["source"].decode(String.self),
            body: try row["body"].decode(ByteBuffer?.self).map { Array($0.readableBytesView) },
            run: try row["run_id"].decode(String?.self), incident: try row["incident"].decode(String?.self),
            detail: try row["detail"].decode(String?.self), decidedAt: try row["decided_at"].decode(Double?.self))
    }

    static func alertDecision(_ row: PostgresRandomAccessRow) throws -> AlertDecisionEntry {
        AlertDecisionEntry(
            sequence: try row["sequence"].decode(Int.self), input: try row["input"].decode(Int.self), at: try row["at"].decode(Double.self),
            kind: try row["kind"].decode(String.self), rule: try row["rule"].decode(String?.self), key: try row["key"].decode(String?.self),
            incident: try row["incident"].decode(String?.self), run: try row["run_id"].decode(String?.self),
            summary: try row["summary"].decode(String.self))
    }

    static func scheduleEvent(_ row: PostgresRandomAccessRow) throws -> ScheduleEventEntry {
        let sequence = try row["sequence"].decode(Int.self)
        return ScheduleEventEntry(
            sequence: sequence, at: try row["at"].decode(Double.self), schedule: try row["schedule"].decode(String.self),
            occurrence: try row["occurrence"].decode(Double?.self),
            kind: try StoredValue.decode(try row["kind"].decode(String.self), as: ScheduleEventEntry.Kind.self, what: "schedule event kind",
                                         at: "schedule event \(sequence)"),
            actor: try row["actor"].decode(String.self), run: try row["run"].decode(String?.self),
            planHash: try row["plan_hash"].decode(String?.self), detail: try row["detail"].decode(String?.self))
    }
}
