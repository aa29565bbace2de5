import GRDB

/// An audit record as a row of `audit`, its action as its stored string.
extension AuditRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit"

    public init(row: Row) throws {
        let sequence: Int = try row.decode(forColumn: "sequence")
        self.init(sequence: sequence, at: try row.decode(forColumn: "at"), actor: try row.decode(forColumn: "actor"),
                  action: try StoredValue.decode(try row.decode(String.self, forColumn: "action"), as: Action.self, what: "action",
                                                 at: "audit record \(sequence)"),
                  runID: try row.decode(forColumn: "run_id"), step: try row.decode(forColumn: "step"), host: try row.decode(forColumn: "host"),
                  lock: try row.decode(forColumn: "lock"), event: try row.decode(forColumn: "event"), exit: try row.decode(forColumn: "exit"),
                  status: try row.decode(forColumn: "status"), summary: try row.decode(forColumn: "summary"),
                  digest: try row.decode(forColumn: "digest"), previousHash: try row.decode(forColumn: "previous_hash"),
                  hash: try row.decode(forColumn: "hash"))
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["sequence"] = sequence
        container["at"] = at
        container["actor"] = actor
        container["action"] = action.rawValue
        container["run_id"] = runID
        container["step"] = step
        container["host"] = host
        container["lock"] = lock
        container["event"] = event
        container["exit"] = exit
        container["status"] = status
        container["summary"] = summary
        container["digest"] = digest
        container["previous_hash"] = previousHash
        container["hash"] = hash
    }
}
