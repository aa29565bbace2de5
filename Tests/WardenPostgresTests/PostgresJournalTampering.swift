import PostgresNIO
import WardenCore
@testable import WardenPostgres
import WardenTesting

/// Edits a journal database with SQL of its own connection, as anyone holding the database's
/// credentials could, outside any Warden transaction (no write lock, no audit).
struct PostgresJournalTampering: JournalTampering {
    private let lane: PostgresLane

    init(address: PostgresAddress, password: String?) throws {
        lane = PostgresLane(configuration: try PostgresJournalStore.configuration(address, password: password),
                            logger: Logger(label: "warden.test.tampering"), id: 99)
    }

    private func edit(_ queries: [PostgresQuery]) async throws {
        let lane = self.lane
        try await onDedicatedThread {
            for query in queries { _ = try lane.query(query) }
        }
    }

    /// Writes through the store's own statements (insert, update), but in a transaction of this connection.
    private func write(_ body: @escaping @Sendable (PostgresJournalAccess) throws -> Void) async throws {
        let lane = self.lane
        try await onDedicatedThread {
            _ = try lane.query("BEGIN")
            do {
                try body(PostgresJournalAccess(lane: lane))
                _ = try lane.query("COMMIT")
            } catch {
                _ = try? lane.query("ROLLBACK")
                throw error
            }
        }
    }

    func replace(_ record: AuditRecord) async throws {
        try await edit(["""
            UPDATE audit SET at = \(record.at), actor = \(record.actor), action = \(record.action.rawValue), run_id = \(record.runID),
                step = \(record.step), host = \(record.host), "lock" = \(record.lock), event = \(record.event), exit = \(record.exit),
                status = \(record.status), summary = \(record.summary), digest = \(record.digest), previous_hash = \(record.previousHash),
                hash = \(record.hash)
            WHERE sequence = \(record.sequence)
            """])
    }

    func deleteAuditRecord(_ sequence: Int) async throws {
        try await edit(["DELETE FROM audit WHERE sequence = \(sequence)"])
    }

    func insert(_ record: AuditRecord) async throws {
        try await write { try $0.insert(record) }
    }

    func replace(_ event: JournalEvent) async throws {
        try await edit(["""
            UPDATE events SET at = \(event.at), kind = \(event.kind.rawValue), step = \(event.step), host = \(event.host),
                command = \(event.command), status = \(event.status?.rawValue), exit = \(event.exit), detail = \(event.detail),
                previous_hash = \(event.previousHash), hash = \(event.hash)
            WHERE run_id = \(event.runID) AND sequence = \(event.sequence)
            """])
    }

    func deleteEvent(run: String, sequence: Int) async throws {
        try await edit(["DELETE FROM events WHERE run_id = \(run) AND sequence = \(sequence)"])
    }

    func insert(_ event: JournalEvent) async throws {
        try await write { try $0.insert(event) }
    }

    func replace(_ run: JournalRun) async throws {
        try await write { try $0.update(run) }
    }

    func insert(_ approval: Approval) async throws {
        try await write { try $0.insert(approval) }
    }

    func deleteApprovals(of run: String) async throws {
        try await edit(["DELETE FROM approvals WHERE run_id = \(run)"])
    }

    func insert(_ lock: RunLock) async throws {
        try await write { try $0.insert(lock) }
    }

    func deleteLock(_ name: String) async throws {
        try await edit(["DELETE FROM locks WHERE name = \(name)"])
    }

    func replace(_ checkpoint: Checkpoint) async throws {
        try await edit(["""
            UPDATE checkpoints SET audit_hash = \(checkpoint.auditHash), signer = \(checkpoint.signer), signature = \(checkpoint.signature),
                at = \(checkpoint.at)
            WHERE run_id = \(checkpoint.runID) AND phase = \(checkpoint.phase.rawValue) AND audit_sequence = \(checkpoint.auditSequence)
            """])
    }

    func replace(_ decision: AlertDecisionEntry) async throws {
        try await edit(["""
            UPDATE alert_decisions SET input = \(decision.input), at = \(decision.at), kind = \(decision.kind), rule = \(decision.rule),
                key = \(decision.key), incident = \(decision.incident), run_id = \(decision.run), summary = \(decision.summary)
            WHERE sequence = \(decision.sequence)
            """])
    }

    func deleteAlertInput(_ sequence: Int) async throws {
        try await edit(["DELETE FROM alert_decisions WHERE input = \(sequence)", "DELETE FROM alert_inputs WHERE sequence = \(sequence)"])
    }

    func replace(_ event: ScheduleEventEntry) async throws {
        try await edit(["""
            UPDATE schedule_events SET at = \(event.at), schedule = \(event.schedule), occurrence = \(event.occurrence),
                kind = \(event.kind.rawValue), actor = \(event.actor), run = \(event.run), plan_hash = \(event.planHash), detail = \(event.detail)
            WHERE sequence = \(event.sequence)
            """])
    }

    func deleteScheduleEvent(_ sequence: Int) async throws {
        try await edit(["DELETE FROM schedule_events WHERE sequence = \(sequence)"])
    }

    func storeUnknown(_ raw: String, run: String, event sequence: Int) async throws {
        try await edit(["UPDATE events SET kind = \(raw) WHERE run_id = \(run) AND sequence = \(sequence)",
                        "UPDATE runs SET status = \(raw) WHERE id = \(run)"])
    }
}
