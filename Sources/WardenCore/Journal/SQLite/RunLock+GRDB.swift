import GRDB

/// A lock as a row of `locks`.
extension RunLock: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "locks"

    public init(row: Row) throws {
        name = try row.decode(forColumn: "name")
        runID = try row.decode(forColumn: "run_id")
        holder = try row.decode(forColumn: "holder")
        controller = try row.decode(forColumn: "controller")
        acquiredAt = try row.decode(forColumn: "acquired_at")
        expiresAt = try row.decode(forColumn: "expires_at")
        host = try row.decode(forColumn: "host")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["name"] = name
        container["run_id"] = runID
        container["holder"] = holder
        container["controller"] = controller
        container["acquired_at"] = acquiredAt
        container["expires_at"] = expiresAt
        container["host"] = host
    }
}
