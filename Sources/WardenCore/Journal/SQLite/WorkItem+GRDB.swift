import GRDB

/// A work item as a row of `work_items`, its kind and state as their stored strings.
extension WorkItem: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "work_items"

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        kind = try StoredValue.decode(try row.decode(String.self, forColumn: "kind"), as: Kind.self, what: "work item kind", at: "work item \(id)")
        payload = try row.decode(forColumn: "payload")
        requester = try row.decode(forColumn: "requester")
        createdAt = try row.decode(forColumn: "created_at")
        notAfter = try row.decode(forColumn: "not_after")
        state = try StoredValue.decode(try row.decode(String.self, forColumn: "state"), as: State.self, what: "work item state", at: "work item \(id)")
        claimedBy = try row.decode(forColumn: "claimed_by")
        epoch = try row.decode(forColumn: "epoch")
        leaseUntil = try row.decode(forColumn: "lease_until")
        attempts = try row.decode(forColumn: "attempts")
        runID = try row.decode(forColumn: "run_id")
        outcome = try row.decode(forColumn: "outcome")
        updatedAt = try row.decode(forColumn: "updated_at")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["kind"] = kind.rawValue
        container["payload"] = payload
        container["requester"] = requester
        container["created_at"] = createdAt
        container["not_after"] = notAfter
        container["state"] = state.rawValue
        container["claimed_by"] = claimedBy
        container["epoch"] = epoch
        container["lease_until"] = leaseUntil
        container["attempts"] = attempts
        container["run_id"] = runID
        container["outcome"] = outcome
        container["updated_at"] = updatedAt
    }
}
