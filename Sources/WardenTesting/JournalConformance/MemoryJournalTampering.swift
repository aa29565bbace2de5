import WardenCore

/// Edits a `MemoryJournalStore` behind its journals' backs, through its test hook.
public struct MemoryJournalTampering: JournalTampering {
    public let store: MemoryJournalStore

    public init(_ store: MemoryJournalStore) {
        self.store = store
    }

    public func replace(_ record: AuditRecord) async throws {
        store.tamper { contents in
            contents.audit = contents.audit.map { $0.sequence == record.sequence ? record : $0 }
        }
    }

    public func replace(_ decision: AlertDecisionEntry) async throws {
        store.tamper { contents in
            contents.alertDecisions = contents.alertDecisions.map { $0.sequence == decision.sequence ? decision : $0 }
        }
    }

    public func deleteAlertInput(_ sequence: Int) async throws {
        store.tamper { $0.alertInputs.removeAll { $0.sequence == sequence } }
    }

    public func replace(_ event: ScheduleEventEntry) async throws {
        store.tamper { contents in
            contents.scheduleEvents = contents.scheduleEvents.map { $0.sequence == event.sequence ? event : $0 }
        }
    }

    public func deleteScheduleEvent(_ sequence: Int) async throws {
        store.tamper { $0.scheduleEvents.removeAll { $0.sequence == sequence } }
    }

    public func deleteAuditRecord(_ sequence: Int) async throws {
        store.tamper { $0.audit.removeAll { $0.sequence == sequence } }
    }

    public func insert(_ record: AuditRecord) async throws {
        store.tamper { $0.audit.append(record) }
    }

    public func replace(_ event: JournalEvent) async throws {
        store.tamper { contents in
            contents.events[event.runID] = contents.events[event.runID]?.map { $0.sequence == event.sequence ? event : $0 }
        }
    }

    public func deleteEvent(run: String, sequence: Int) async throws {
        store.tamper { $0.events[run]?.removeAll { $0.sequence == sequence } }
    }

    public func insert(_ event: JournalEvent) async throws {
        store.tamper { $0.events[event.runID, default: []].append(event) }
    }

    public func replace(_ run: JournalRun) async throws {
        store.tamper { contents in contents.runs = contents.runs.map { $0.id == run.id ? run : $0 } }
    }

    public func insert(_ approval: Approval) async throws {
        store.tamper { $0.approvals.append(approval) }
    }

    public func deleteApprovals(of run: String) async throws {
        store.tamper { $0.approvals.removeAll { $0.runID == run } }
    }

    public func insert(_ lock: RunLock) async throws {
        store.tamper { $0.locks[lock.name] = lock }
    }

    public func deleteLock(_ name: String) async throws {
        store.tamper { $0.locks[name] = nil }
    }

    public func replace(_ checkpoint: Checkpoint) async throws {
        store.tamper { contents in
            contents.checkpoints = contents.checkpoints.map { held in
                held.runID == checkpoint.runID && held.phase == checkpoint.phase && held.auditSequence == checkpoint.auditSequence ? checkpoint : held
            }
        }
    }

    /// A store of typed values cannot hold a value no Warden knows.
    public func storeUnknown(_ raw: String, run: String, event sequence: Int) async throws {
        throw ConformanceFailure("the in-memory store holds typed values: it cannot hold the unknown value '\(raw)'")
    }
}
