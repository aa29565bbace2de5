/// One entry of `alert_rules:`: which alerts (matchers, status) start which
/// runbook on which inventory, with which parameters, at most how often, and
/// what one incident is.
public struct AlertRule: Sendable, Hashable, Identifiable {
    public var id: String
    /// All must hold for an alert's labels.
    public var matchers: [LabelMatcher]
    /// The alert statuses the rule acts on; `[.firing]` by default. A `resolved`
    /// rule starts its runbook when a matching alert resolves (a post-incident
    /// check), under the same throttles, without opening an incident.
    public var on: Set<AlertStatus>
    public var runbook: String
    /// The inventory's name in the serve config.
    public var inventory: String
    public var params: [String: AlertTemplate]
    /// Labels whose values, with the rule id, make the incident key: one open
    /// incident (and at most one run) per key. Missing labels are left out of
    /// the key, so by default (`[cluster]`) an alert without `cluster` makes one
    /// incident per rule.
    public var incidentLabels: [String]
    public var approval: AlertApproval
    public var throttles: AlertThrottles
    public var escalation: AlertEscalation?
    /// Silence the incident's alerts in Alertmanager while its run remediates.
    public var silence: AlertSilenceSpec?

    public init(id: String, matchers: [LabelMatcher], on: Set<AlertStatus> = [.firing], runbook: String, inventory: String,
                params: [String: AlertTemplate] = [:], incidentLabels: [String] = ["cluster"], approval: AlertApproval = .auto,
                throttles: AlertThrottles = AlertThrottles(), escalation: AlertEscalation? = nil,
                silence: AlertSilenceSpec? = nil) {
        self.id = id
        self.matchers = matchers
        self.on = on
        self.runbook = runbook
        self.inventory = inventory
        self.params = params
        self.incidentLabels = incidentLabels
        self.approval = approval
        self.throttles = throttles
        self.escalation = escalation
        self.silence = silence
    }

    public func matches(_ alert: AlertmanagerAlert) -> Bool {
        on.contains(alert.status) && LabelMatcher.all(matchers, match: alert.labels)
    }

    /// The incident key of an alert under this rule.
    public func incidentKey(for labels: [String: String]) -> IncidentKey {
        IncidentKey(rule: id, labels: incidentLabels.compactMap { name in labels[name].map { (name, $0) } })
    }

    /// The scope an escalation counts in, for an alert.
    func escalationKey(for labels: [String: String]) -> IncidentKey? {
        guard let escalation else { return nil }
        let names = escalation.scope ?? incidentLabels.filter { $0 != escalation.label }
        return IncidentKey(rule: id, labels: names.compactMap { name in labels[name].map { (name, $0) } }, escalated: true)
    }
}
