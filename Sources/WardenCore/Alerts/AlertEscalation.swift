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
    /// `at_least_percent: 30, of: replica`: escalate also when this percent of the inventory group's
    /// hosts fire (whichever threshold is reached first). Turned into `atLeast` when the config
    /// loads, from the group's size then (`resolvingPercent`).
    public var percent: Percent?

    /// A share of an inventory group's hosts.
    public struct Percent: Sendable, Hashable {
        public var atLeast: Double
        /// The group, in the rule's inventory.
        public var group: String

        public init(atLeast: Double, group: String) {
            self.atLeast = atLeast
            self.group = group
        }
    }

    public init(label: String, atLeast: Int, runbook: String, scope: [String]? = nil, params: [String: AlertTemplate] = [:], percent: Percent? = nil) {
        self.percent = percent
        self.label = label
        self.atLeast = atLeast
        self.runbook = runbook
        self.scope = scope
        self.params = params
    }
}

extension AlertEscalation {
    /// The threshold once `percent` is known as a count of `groupSize` hosts: the lower of
    /// `at_least` and the rounded-up share (never below 1).
    public func resolvingPercent(groupSize: Int) -> AlertEscalation {
        guard let percent else { return self }
        var resolved = self
        let share = max(1, Int((percent.atLeast * Double(groupSize) / 100).rounded(.up)))
        resolved.atLeast = min(atLeast, share)
        return resolved
    }
}
