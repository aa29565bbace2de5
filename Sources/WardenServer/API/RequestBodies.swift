import WardenCore

/// `POST /plans`: what to plan.
struct PlanBody: JSONBody {
    static let members = ["runbook", "inventory", "params", "limit"]
    let runbook: String
    let inventory: String
    let params: [String: Value]?
    let limit: String?
}

/// `POST /runs`: what to run, and the hash of the plan the caller read.
struct StartBody: JSONBody {
    static let members = ["runbook", "inventory", "params", "limit", "plan_hash", "queue"]
    let runbook: String
    let inventory: String
    let params: [String: Value]?
    let limit: String?
    let planHash: String
    /// Wait in the queue for any controller with room instead of a 429 when this one is full.
    let queue: Bool?

    enum CodingKeys: String, CodingKey {
        case runbook, inventory, params, limit, queue
        case planHash = "plan_hash"
    }
}

/// `POST /queue/{id}/withdraw`: why (required, for whoever finds it withdrawn).
typealias WithdrawBody = ReasonBody

/// `POST /runs/{id}/cancel` and `POST /locks/{name}/break`: why (required, for the journal).
struct ReasonBody: JSONBody {
    static let members = ["reason"]
    let reason: String
}

/// `POST /runs/{id}/approvals`.
struct DecisionBody: JSONBody {
    static let members = ["decision", "comment"]
    let decision: Approval.Decision
    let comment: String?
}

/// `POST /runs/{id}/resume`: the operator's word on changes of unknown outcome, and secrets given again.
struct ResumeBody: JSONBody {
    static let members = ["assume", "params", "inventory"]
    let assume: String?
    let params: [String: Value]?
    let inventory: String?
}

/// `POST /incidents/{id}/approve` and `POST /schedules/{id}/occurrences/{time}/approve` (and `/deny`):
/// the hash of the plan the approver read, and why.
struct PlanApprovalBody: JSONBody {
    static let members = ["plan_hash", "comment"]
    let planHash: String
    let comment: String?

    enum CodingKeys: String, CodingKey {
        case planHash = "plan_hash"
        case comment
    }
}

/// `POST /schedules/{id}/pause`: why (required, for the journal and whoever finds it paused).
struct PauseBody: JSONBody {
    static let members = ["reason"]
    let reason: String
}
