import Foundation

extension Journal {
    /// The newest audit record's sequence and hash (0 and the genesis hash for an empty log).
    public func auditHead() async throws(JournalError) -> (sequence: Int, hash: String) {
        try await store.read { reader in
            let last = try reader.lastAuditRecord()
            return (last?.sequence ?? 0, last?.hash ?? AuditRecord.genesis)
        }
    }

    /// Stores a signed checkpoint with its own audit record, whose digest is
    /// the signature's: a checkpoint removed, changed or inserted outside
    /// Warden then disagrees with the audit log.
    public func record(_ checkpoint: Checkpoint) async throws(JournalError) {
        let (actor, location) = (self.actor, path)
        try await store.write { writer in
            guard try writer.run(checkpoint.runID) != nil else { throw Journal.noSuchRun(checkpoint.runID, in: location) }
            try writer.insert(checkpoint)
            try Journal.audit(.init(action: .checkpoint, runID: checkpoint.runID, status: checkpoint.phase.rawValue,
                                    summary: "audit record \(checkpoint.auditSequence) signed by \(checkpoint.signer)",
                                    digest: ChainHash.digest(checkpoint.signature)),
                              actor: actor, at: Date(timeIntervalSince1970: checkpoint.at), in: writer)
        }
    }

    /// Every checkpoint, in the order recorded.
    public func checkpoints() async throws(JournalError) -> [Checkpoint] {
        try await store.read { reader in try reader.checkpoints() }
    }

    /// Inside `verifyAudit`'s read: each checkpoint must be one the audit log
    /// recorded (in order, with its signature's digest), and must name an
    /// audit record that still has the hash it signed for.
    static func checkpointBreak(in reader: any JournalReader, records: [AuditRecord]) throws -> AuditBreak? {
        let recorded = records.filter { $0.action == .checkpoint }
        let rows = try reader.checkpoints()
        for (index, checkpoint) in rows.enumerated() {
            let what = "checkpoint of run \(checkpoint.runID) (\(checkpoint.phase.rawValue), signed by \(checkpoint.signer))"
            guard index < recorded.count else {
                return AuditBreak(record: nil, runID: checkpoint.runID, event: nil,
                                  reason: "the checkpoints table holds a \(what) that the audit log never recorded: it was inserted outside Warden")
            }
            let record = recorded[index]
            if record.runID != checkpoint.runID || record.status != checkpoint.phase.rawValue
                || record.digest != ChainHash.digest(checkpoint.signature) {
                return AuditBreak(record: record.sequence, runID: checkpoint.runID, event: nil,
                                  reason: "the checkpoints table and the audit log disagree about a \(what): it was changed outside Warden")
            }
            let position = checkpoint.auditSequence - 1
            guard position >= 0, position < records.count, records[position].sequence == checkpoint.auditSequence else {
                return AuditBreak(record: checkpoint.auditSequence, runID: checkpoint.runID, event: nil,
                                  reason: "the \(what) signs for audit record \(checkpoint.auditSequence), which the log no longer holds: records were removed")
            }
            if records[position].hash != checkpoint.auditHash {
                return AuditBreak(record: checkpoint.auditSequence, runID: checkpoint.runID, event: nil,
                                  reason: "the \(what) signed for another hash of this record: it, or a record before it, was rewritten (the chain was recomputed)")
            }
        }
        if recorded.count > rows.count {
            return AuditBreak(record: recorded[rows.count].sequence, runID: recorded[rows.count].runID, event: nil,
                              reason: "the audit log records a checkpoint the checkpoints table no longer holds: it was removed")
        }
        return nil
    }
}
