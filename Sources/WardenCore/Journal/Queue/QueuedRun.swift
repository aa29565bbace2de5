import Foundation

/// A run requested through the API, as its work item keeps it: what was asked, by whom, and the
/// hash of the plan they read. The controller that claims it plans afresh and starts only on
/// that hash. Secret parameters are never queued (they would be stored); such a run starts on
/// the controller that received it, or not at all.
public struct QueuedRun: Sendable, Hashable, Codable {
    public var runbook: String
    /// The inventory's name in the config.
    public var inventory: String
    public var params: [String: Value]
    public var limit: String?
    public var planHash: String
    /// The requester as `RunIdentity` names them, and how they proved it.
    public var user: String
    public var proof: String?

    public init(runbook: String, inventory: String, params: [String: Value], limit: String?, planHash: String, user: String, proof: String?) {
        self.runbook = runbook
        self.inventory = inventory
        self.params = params
        self.limit = limit
        self.planHash = planHash
        self.user = user
        self.proof = proof
    }

    /// As a work item's payload.
    public func payload() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// From a work item's payload; nil when it does not hold one (written by another version).
    public static func from(_ item: WorkItem) -> QueuedRun? {
        guard item.kind == .run else { return nil }
        return try? JSONDecoder().decode(QueuedRun.self, from: Data(item.payload.utf8))
    }

    /// The item id for a requester's idempotency key: the same key from the same requester is
    /// the same item, so a request sent again (its answer was lost) starts nothing more.
    public static func itemID(requester: String, key: String) -> String {
        "k-" + ChainHash.of([requester, key]).prefix(32)
    }

    enum CodingKeys: String, CodingKey {
        case runbook, inventory, params, limit, user, proof
        case planHash = "plan_hash"
    }
}
