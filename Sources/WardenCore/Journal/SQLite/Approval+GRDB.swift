import GRDB

/// An approval as a row of `approvals`, its decision as its stored string.
extension Approval: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "approvals"

    public init(row: Row) throws {
        runID = try row.decode(forColumn: "run_id")
        step = try row.decode(forColumn: "step")
        approver = try row.decode(forColumn: "approver")
        decision = try StoredValue.decode(try row.decode(String.self, forColumn: "decision"), as: Decision.self, what: "decision",
                                          at: "the approval by \(approver) of run \(runID)")
        comment = try row.decode(forColumn: "comment")
        planHash = try row.decode(forColumn: "plan_hash")
        at = try row.decode(forColumn: "at")
        signature = try row.decode(forColumn: "signature")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["run_id"] = runID
        container["step"] = step
        container["approver"] = approver
        container["decision"] = decision.rawValue
        container["comment"] = comment
        container["plan_hash"] = planHash
        container["at"] = at
        container["signature"] = signature
    }
}
