import GRDB

/// A checkpoint as a row of `checkpoints`, its phase as its stored string.
extension Checkpoint: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "checkpoints"

    public init(row: Row) throws {
        runID = try row.decode(forColumn: "run_id")
        phase = try StoredValue.decode(try row.decode(String.self, forColumn: "phase"), as: Phase.self, what: "phase",
                                       at: "a checkpoint of run \(runID)")
        auditSequence = try row.decode(forColumn: "audit_sequence")
        auditHash = try row.decode(forColumn: "audit_hash")
        signer = try row.decode(forColumn: "signer")
        signature = try row.decode(forColumn: "signature")
        at = try row.decode(forColumn: "at")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["run_id"] = runID
        container["phase"] = phase.rawValue
        container["audit_sequence"] = auditSequence
        container["audit_hash"] = auditHash
        container["signer"] = signer
        container["signature"] = signature
        container["at"] = at
    }
}
