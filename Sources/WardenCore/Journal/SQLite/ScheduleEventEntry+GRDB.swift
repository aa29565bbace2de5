import Foundation
import GRDB

/// A schedule event as a row of `schedule_events`, its kind as its stored string.
extension ScheduleEventEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "schedule_events"

    public init(row: Row) throws {
        sequence = try row.decode(forColumn: "sequence")
        at = try row.decode(forColumn: "at")
        schedule = try row.decode(forColumn: "schedule")
        occurrence = try row.decode(forColumn: "occurrence")
        kind = try StoredValue.decode(try row.decode(String.self, forColumn: "kind"), as: Kind.self, what: "schedule event kind",
                                      at: "schedule event \(sequence)")
        actor = try row.decode(forColumn: "actor")
        run = try row.decode(forColumn: "run")
        planHash = try row.decode(forColumn: "plan_hash")
        detail = try row.decode(forColumn: "detail")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["sequence"] = sequence
        container["at"] = at
        container["schedule"] = schedule
        container["occurrence"] = occurrence
        container["kind"] = kind.rawValue
        container["actor"] = actor
        container["run"] = run
        container["plan_hash"] = planHash
        container["detail"] = detail
    }
}
