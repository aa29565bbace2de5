import Foundation

/// One round of a monitor: each probe of the rules file taken once, and
/// what that says for every rule.
public struct MonitorSample: Sendable {
    public let time: Date
    /// By rule name.
    public let points: [String: MonitorPoint]
    /// By rule name: why its point has no breach or no value (the probe
    /// failed, a host's output did not satisfy the expression).
    public let notes: [String: [String]]
    /// What ran where, redacted, for `warden monitor check`.
    public let runs: [PlanProbeRun]
}
