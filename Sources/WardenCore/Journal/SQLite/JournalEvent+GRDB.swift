import GRDB

/// An event as a row of `events`, its kind and status as their stored strings.
extension JournalEvent: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "events"

    public init(row: Row) throws {
        let runID: String = try row.decode(forColumn: "run_id")
        let sequence: Int = try row.decode(forColumn: "sequence")
        let place = "event \(sequence) of run \(runID)"
        self.init(runID: runID, sequence: sequence, at: try row.decode(forColumn: "at"),
                  kind: try StoredValue.decode(try row.decode(String.self, forColumn: "kind"), as: Kind.self, what: "kind", at: place),
                  step: try row.decode(forColumn: "step"), host: try row.decode(forColumn: "host"),
                  command: try row.decode(forColumn: "command"),
                  status: try StoredValue.decodeIfPresent(try row.decode(String?.self, forColumn: "status"), as: StepStatus.self, what: "status", at: place),
                  exit: try row.decode(forColumn: "exit"), detail: try row.decode(forColumn: "detail"),
                  previousHash: try row.decode(forColumn: "previous_hash"), hash: try row.decode(forColumn: "hash"))
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["run_id"] = runID
        container["sequence"] = sequence
        container["at"] = at
        container["kind"] = kind.rawValue
        container["step"] = step
        container["host"] = host
        container["command"] = command
        container["status"] = status?.rawValue
        container["exit"] = exit
        container["detail"] = detail
        container["previous_hash"] = previousHash
        container["hash"] = hash
    }
}
