import GRDB
import WardenCore
import WardenTesting

/// Edits a state folder's `journal.sqlite` with SQL of its own connection,
/// as anyone who can write the folder could.
struct SQLiteJournalTampering: JournalTampering {
    let path: String

    private func edit(_ change: @escaping @Sendable (Database) throws -> Void) async throws {
        try await DatabaseQueue(path: path).write(change)
    }

    func replace(_ record: AuditRecord) async throws {
        try await edit { db in try record.update(db) }
    }

    func replace(_ decision: AlertDecisionEntry) async throws {
        try await edit { db in try decision.update(db) }
    }

    func deleteAlertInput(_ sequence: Int) async throws {
        try await edit { db in
            try db.execute(sql: "DELETE FROM alert_decisions WHERE input = ?", arguments: [sequence])
            try db.execute(sql: "DELETE FROM alert_inputs WHERE sequence = ?", arguments: [sequence])
        }
    }

    func replace(_ event: ScheduleEventEntry) async throws {
        try await edit { db in try event.update(db) }
    }

    func deleteScheduleEvent(_ sequence: Int) async throws {
        try await edit { db in try db.execute(sql: "DELETE FROM schedule_events WHERE sequence = ?", arguments: [sequence]) }
    }

    func deleteAuditRecord(_ sequence: Int) async throws {
        try await edit { db in try db.execute(sql: "DELETE FROM audit WHERE sequence = ?", arguments: [sequence]) }
    }

    func insert(_ record: AuditRecord) async throws {
        try await edit { db in try record.insert(db) }
    }

    func replace(_ event: JournalEvent) async throws {
        try await edit { db in try event.update(db) }
    }

    func deleteEvent(run: String, sequence: Int) async throws {
        try await edit { db in try db.execute(sql: "DELETE FROM events WHERE run_id = ? AND sequence = ?", arguments: [run, sequence]) }
    }

    func insert(_ event: JournalEvent) async throws {
        try await edit { db in try event.insert(db) }
    }

    func replace(_ run: JournalRun) async throws {
        try await edit { db in try run.update(db) }
    }

    func insert(_ approval: Approval) async throws {
        try await edit { db in try approval.insert(db) }
    }

    func deleteApprovals(of run: String) async throws {
        try await edit { db in try db.execute(sql: "DELETE FROM approvals WHERE run_id = ?", arguments: [run]) }
    }

    func insert(_ lock: RunLock) async throws {
        try await edit { db in try lock.insert(db) }
    }

    func deleteLock(_ name: String) async throws {
        try await edit { db in try db.execute(sql: "DELETE FROM locks WHERE name = ?", arguments: [name]) }
    }

    func replace(_ checkpoint: Checkpoint) async throws {
        try await edit { db in
            try db.execute(sql: """
                UPDATE checkpoints SET audit_hash = ?, signer = ?, signature = ?, at = ?
                WHERE run_id = ? AND phase = ? AND audit_sequence = ?
                """, arguments: [checkpoint.auditHash, checkpoint.signer, checkpoint.signature, checkpoint.at,
                                 checkpoint.runID, checkpoint.phase.rawValue, checkpoint.auditSequence])
        }
    }

    func storeUnknown(_ raw: String, run: String, event sequence: Int) async throws {
        try await edit { db in
            try db.execute(sql: "UPDATE events SET kind = ? WHERE run_id = ? AND sequence = ?", arguments: [raw, run, sequence])
            try db.execute(sql: "UPDATE runs SET status = ? WHERE id = ?", arguments: [raw, run])
        }
    }
}
