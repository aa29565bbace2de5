/// `alerts:` of the serve config: limits over every alert rule together, so
/// that a storm of alerts never becomes a storm of changes.
public struct AlertLimits: Sendable, Hashable {
    /// `max_runs: {count: 10, within: 1h}`: alert-started runs over all rules.
    public var maxRuns: AlertRunLimit?
    /// `max_targets_in_remediation: 5`: hosts that alert-started runs still active may touch, together;
    /// a run that would take the count past it is not started (the decision says so).
    public var maxTargetsInRemediation: Int?
    /// `duplicate_window: 60s`: the same notification again within this is a duplicate (an HA
    /// peer's twin, a retry); a later re-send (repeat_interval) is attached to its open incident.
    public var duplicateWindow: Duration = .seconds(60)

    public init(maxRuns: AlertRunLimit? = nil, maxTargetsInRemediation: Int? = nil) {
        self.maxRuns = maxRuns
        self.maxTargetsInRemediation = maxTargetsInRemediation
    }
}
