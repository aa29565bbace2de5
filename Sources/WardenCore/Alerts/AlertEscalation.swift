/// Incident mode for a rule that acts per member (per node): when alerts of
/// `atLeast` distinct values of `label` fire within one scope (by default the
/// rule's incident-key labels without `label`, e.g. one cluster), the rule stops
/// acting per member and runs `runbook` once for the scope; while that escalated
/// incident is open, the per-member rule is suppressed for the scope.
///
/// Below the threshold the rule acts per member as usual: the rule names a
/// per-member runbook, which is it saying that one member at a time is fine.
/// Runs already started for members are not cancelled by an escalation.
public struct AlertEscalation: Sendable, Hashable {
    /// The label whose distinct values are counted (e.g. `node`).
    public var label: String
    public var atLeast: Int
    public var runbook: String
    /// Labels that make one scope; nil: the rule's incident-key labels without `label`.
    public var scope: [String]?
    /// The escalated runbook's parameters, rendered from the labels all firing alerts of
    /// the scope share (so `{{ labels.node }}` does not render, on purpose).
    public var params: [String: AlertTemplate]

    public init(label: String, atLeast: Int, runbook: String, scope: [String]? = nil, params: [String: AlertTemplate] = [:]) {
        self.label = label
        self.atLeast = atLeast
        self.runbook = runbook
        self.scope = scope
        self.params = params
    }
}
