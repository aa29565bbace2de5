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
    /// What started it; runs journaled before triggers were recorded read as `terminal`.
    public var trigger: RunTrigger
    /// The inventory file its targets came from; nil for runs journaled before it was recorded.
    public var inventory: String?
    /// The fencing epoch: 1 when it starts, one more each time a controller adopts it. Every
    /// journal write of the run's controller names the epoch it holds (`RunFence`), so a
    /// controller the run was taken from can write nothing more for it.
    public var epoch: Int = 1
    /// When the controller's lease on the run lapses unless renewed (seconds since 1970, on the
    /// journal's clock: the database's for a shared one); nil for runs journaled before leases.
    public var leaseUntil: Double?
    /// Who asked that the run stop and why ("alice: the window moved"), through any controller
    /// or terminal sharing the journal; the controller carrying it stops it at its next lease
    /// renewal (or at once when signalled), cleanup included. Nil: nobody asked.
    public var stopRequest: String?

    public init(id: String, runbook: String, file: String, initiator: String, controller: String, planHash: String,
                parameters: String, status: Status = .running, reason: String? = nil,
                startedAt: Date = Date(), finishedAt: Date? = nil, plan: String? = nil, trigger: RunTrigger = .terminal,
                inventory: String? = nil) {
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
        self.trigger = trigger
        self.inventory = inventory
    }

    /// What the audit log records of the run as it started (`run-started`'s
    /// summary): `verifyAudit` compares the row with it, so a row changed
    /// afterwards (its runbook, initiator or parameters) is caught.
    var startedSummary: String { startedSummary(controller: controller) }

    func startedSummary(controller: String) -> String {
        // The trigger and inventory are said only when they are not what every run journaled
        // before they were recorded had, so those runs' audit records still match their rows.
        "\(runbook) (\(file)) by \(initiator) on \(controller); parameters: \(parameters)"
            + (trigger == .terminal ? "" : "; trigger: \(trigger.rawValue)") + (inventory.map { "; inventory: \($0)" } ?? "")
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        runbook = try container.decode(String.self, forKey: .runbook)
        file = try container.decode(String.self, forKey: .file)
        initiator = try container.decode(String.self, forKey: .initiator)
        controller = try container.decode(String.self, forKey: .controller)
        planHash = try container.decode(String.self, forKey: .planHash)
        parameters = try container.decode(String.self, forKey: .parameters)
        status = try container.decode(Status.self, forKey: .status)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        startedAt = try container.decode(Double.self, forKey: .startedAt)
        finishedAt = try container.decodeIfPresent(Double.self, forKey: .finishedAt)
        plan = try container.decodeIfPresent(String.self, forKey: .plan)
        // Written before triggers were recorded: every such run was started at a terminal.
        trigger = try container.decodeIfPresent(RunTrigger.self, forKey: .trigger) ?? .terminal
        inventory = try container.decodeIfPresent(String.self, forKey: .inventory)
        epoch = try container.decodeIfPresent(Int.self, forKey: .epoch) ?? 1
        leaseUntil = try container.decodeIfPresent(Double.self, forKey: .leaseUntil)
        stopRequest = try container.decodeIfPresent(String.self, forKey: .stopRequest)
    }

    enum CodingKeys: String, CodingKey {
        case id, runbook, file, initiator, controller, parameters, status, reason, plan, trigger, inventory, epoch
        case leaseUntil = "lease_until"
        case stopRequest = "stop_request"
        case planHash = "plan_hash"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}
