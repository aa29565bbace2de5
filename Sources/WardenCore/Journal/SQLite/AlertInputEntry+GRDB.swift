import Foundation
import GRDB

/// An alert input as a row of `alert_inputs`, its kind as its stored string.
extension AlertInputEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "alert_inputs"

    public init(row: Row) throws {
        sequence = try row.decode(forColumn: "sequence")
        at = try row.decode(forColumn: "at")
        kind = try StoredValue.decode(try row.decode(String.self, forColumn: "kind"), as: Kind.self, what: "alert input kind",
                                      at: "alert input \(sequence)")
        source = try row.decode(forColumn: "source")
        body = try row.decode(Data?.self, forColumn: "body").map { Array($0) }
        run = try row.decode(forColumn: "run_id")
        incident = try row.decode(forColumn: "incident")
        detail = try row.decode(forColumn: "detail")
        decidedAt = try row.decode(forColumn: "decided_at")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["sequence"] = sequence
        container["at"] = at
        container["kind"] = kind.rawValue
        container["source"] = source
        container["body"] = body.map { Data($0) }
        container["run_id"] = run
        container["incident"] = incident
        container["detail"] = detail
        container["decided_at"] = decidedAt
    }
}
