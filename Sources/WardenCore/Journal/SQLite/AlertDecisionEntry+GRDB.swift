import GRDB

/// An alert decision as a row of `alert_decisions`.
extension AlertDecisionEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "alert_decisions"

    public init(row: Row) throws {
        sequence = try row.decode(forColumn: "sequence")
        input = try row.decode(forColumn: "input")
        at = try row.decode(forColumn: "at")
        kind = try row.decode(forColumn: "kind")
        rule = try row.decode(forColumn: "rule")
        key = try row.decode(forColumn: "key")
        incident = try row.decode(forColumn: "incident")
        run = try row.decode(forColumn: "run_id")
        summary = try row.decode(forColumn: "summary")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["sequence"] = sequence
        container["input"] = input
        container["at"] = at
        container["kind"] = kind
        container["rule"] = rule
        container["key"] = key
        container["incident"] = incident
        container["run_id"] = run
        container["summary"] = summary
    }
}
