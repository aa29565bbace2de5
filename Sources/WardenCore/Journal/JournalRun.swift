import Foundation

/// One run as the journal keeps it: who started what, against which plan,
/// and how it ended. Parameters are stored redacted.
public struct JournalRun: Sendable, Hashable, Codable {
    public var id: String
    public var runbook: String
    public var file: String
    /// The operating-system user who started it.
    public var initiator: String
    /// `hostname:pid` of the controller process, to tell a live run from an orphaned one.
    public var controller: String
    public var planHash: String
    /// `name=value` lines, secrets as `<secret>`.
    public var parameters: String
    /// `running` until it ends; then how it ended.
    public var status: Status
    public var reason: String?
    public var startedAt: Double
    public var finishedAt: Double?
    /// The plan the run carries out, as JSON, so approvers see what they approve.
    public var plan: String?

    public init(id: String, runbook: String, file: String, initiator: String, controller: String, planHash: String,
                parameters: String, status: Status = .running, reason: String? = nil,
                startedAt: Date = Date(), finishedAt: Date? = nil, plan: String? = nil) {
        self.id = id
        self.runbook = runbook
        self.file = file
        self.initiator = initiator
        self.controller = controller
        self.planHash = planHash
        self.parameters = parameters
        self.status = status
        self.reason = reason
        self.startedAt = startedAt.timeIntervalSince1970
        self.finishedAt = finishedAt?.timeIntervalSince1970
        self.plan = plan
    }

    /// What the audit log records of the run as it started (`run-started`'s
    /// summary): `verifyAudit` compares the row with it, so a row changed
    /// afterwards (its runbook, initiator or parameters) is caught.
    var startedSummary: String { startedSummary(controller: controller) }

    func startedSummary(controller: String) -> String {
        "\(runbook) (\(file)) by \(initiator) on \(controller); parameters: \(parameters)"
    }

    enum CodingKeys: String, CodingKey {
        case id, runbook, file, initiator, controller, parameters, status, reason, plan
        case planHash = "plan_hash"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}
