import WardenCore

/// Edits a store behind its journal's back, as someone with write access to
/// the database (or the state folder) could: what `verifyAudit` must catch.
/// Each call stores what it is given as it is; nothing is rehashed unless
/// the check did it.
public protocol JournalTampering: Sendable {
    func replace(_ record: AuditRecord) async throws
    func deleteAuditRecord(_ sequence: Int) async throws
    func insert(_ record: AuditRecord) async throws
    func replace(_ event: JournalEvent) async throws
    func deleteEvent(run: String, sequence: Int) async throws
    func insert(_ event: JournalEvent) async throws
    func replace(_ run: JournalRun) async throws
    func insert(_ approval: Approval) async throws
    func deleteApprovals(of run: String) async throws
    func insert(_ lock: RunLock) async throws
    func deleteLock(_ name: String) async throws
    func replace(_ checkpoint: Checkpoint) async throws
    func replace(_ decision: AlertDecisionEntry) async throws
    func deleteAlertInput(_ sequence: Int) async throws
    func replace(_ event: ScheduleEventEntry) async throws
    func deleteScheduleEvent(_ sequence: Int) async throws
    /// Stores `raw` as the kind of the run's event `sequence`, and as the
    /// run's status: values no Warden wrote. Only for a store with the
    /// `holdsUnknownValues` capability.
    func storeUnknown(_ raw: String, run: String, event sequence: Int) async throws
}
