/// What an alert decision asks the server to do: plan (and, unless approval is
/// required, start) this runbook on this inventory with these rendered
/// parameters, for this incident. Names only: the server resolves them
/// against its catalog into a `RunRequest`, and tells the decider the run's
/// id (`AlertDecider.runStarted`) or that it could not start (`startFailed`).
public struct RunPlanRequest: Sendable, Hashable {
    public var rule: String
    public var runbook: String
    public var inventory: String
    public var params: [String: String]
    public var incidentKey: IncidentKey
    public var incident: String
    /// The rule's escalation runbook, started for a whole scope in incident mode.
    public var escalated: Bool
    public var approval: AlertApproval

    public init(rule: String, runbook: String, inventory: String, params: [String: String], incidentKey: IncidentKey, incident: String,
                escalated: Bool, approval: AlertApproval) {
        self.rule = rule
        self.runbook = runbook
        self.inventory = inventory
        self.params = params
        self.incidentKey = incidentKey
        self.incident = incident
        self.escalated = escalated
        self.approval = approval
    }
}
