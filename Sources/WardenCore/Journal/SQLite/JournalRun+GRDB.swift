import GRDB

/// A run as a row of `runs`, its status as its stored string.
extension JournalRun: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runs"

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        runbook = try row.decode(forColumn: "runbook")
        file = try row.decode(forColumn: "file")
        initiator = try row.decode(forColumn: "initiator")
        controller = try row.decode(forColumn: "controller")
        planHash = try row.decode(forColumn: "plan_hash")
        parameters = try row.decode(forColumn: "parameters")
        status = try StoredValue.decode(try row.decode(String.self, forColumn: "status"), as: Status.self, what: "status", at: "run \(id)")
        reason = try row.decode(forColumn: "reason")
        startedAt = try row.decode(forColumn: "started_at")
        finishedAt = try row.decode(forColumn: "finished_at")
        plan = try row.decode(forColumn: "plan")
        trigger = try StoredValue.decode(try row.decode(String.self, forColumn: "trigger"), as: RunTrigger.self, what: "trigger", at: "run \(id)")
        inventory = try row.decode(forColumn: "inventory")
        epoch = try row.decode(forColumn: "epoch")
        leaseUntil = try row.decode(forColumn: "lease_until")
        stopRequest = try row.decode(forColumn: "stop_request")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["runbook"] = runbook
        container["file"] = file
        container["initiator"] = initiator
        container["controller"] = controller
        container["plan_hash"] = planHash
        container["parameters"] = parameters
        container["status"] = status.rawValue
        container["reason"] = reason
        container["started_at"] = startedAt
        container["finished_at"] = finishedAt
        container["plan"] = plan
        container["trigger"] = trigger.rawValue
        container["inventory"] = inventory
        container["epoch"] = epoch
        container["lease_until"] = leaseUntil
        container["stop_request"] = stopRequest
    }
}
