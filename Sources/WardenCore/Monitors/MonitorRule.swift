/// A named rule of a rules file's `monitor:` list: a probe's figure judged
/// over time, the way FoundationDB's monitoring guide states its alerts.
///
/// ```yaml
/// monitor:
///   - name: fault_tolerance_one_below
///     probe: status
///     value: result.fault_tolerance.availability
///     fires: result.fault_tolerance.availability <= params.expected_fault_tolerance - 1
///     for: 3h
///     severity: warning
///   - name: fault_tolerance_flapping
///     probe: status
///     value: result.fault_tolerance.availability
///     decreased: {times: 5, within: 1h}
/// ```
///
/// A rule has either `fires` (with a window: none for immediately, `for`,
/// `minutes` or `samples`) or `decreased`/`increased` over its `value`.
public struct MonitorRule: Sendable {
    public let name: String
    public let location: SourceLocation
    let scope: Int
    public let probe: ProbeReference
    let probeLocation: SourceLocation
    /// The figure the rule reads, shown with its verdict and exported as
    /// `warden_monitor_value`; a change rule counts its moves.
    public let value: Expression?
    /// When one sample breaches: true on any host of the probe.
    public let fires: Expression?
    public let window: MonitorWindow
    public let change: MonitorChange?
    public let severity: MonitorSeverity
    /// Said when the rule fires, in the operator's words.
    public let message: String?

    /// The rule's condition and window as written, for listings.
    public var conditionText: String {
        if let change { return "\(value?.text ?? "value") \(change.description)" }
        let condition = fires?.text ?? "?"
        return window == .immediately ? condition : "\(condition) \(window.description)"
    }

    /// How far back the rule reads samples, at most; what a monitor keeps.
    public func horizon(interval: Duration) -> Duration {
        if let change { return change.within }
        if case let .samples(rule) = window { return interval * rule.of }
        return window.horizon ?? .zero
    }
}
