import Foundation

/// One monitor of `warden serve`'s `monitors:`: a rules file's monitor rules,
/// sampled every `every` on an inventory, whose firing rules come in as
/// alerts (labels `alertname` and `rule`: the rule's name, `monitor`: the id,
/// `severity`, and the config's `labels`), so `alert_rules:` decide on them
/// exactly as on Alertmanager's.
///
/// ```yaml
/// monitors:
///   - id: fdb-main
///     rules: runbooks/fdb/rules/alerts.yaml
///     inventory: fdb
///     params: {expected_fault_tolerance: 2, expected_processes: 8}
///     every: 1m
///     labels: {cluster: main}
/// ```
public struct MonitorConfiguration: Sendable, Hashable {
    public var id: String
    /// The rules file (relative paths from the serve config's folder).
    public var rules: String
    /// The name of one of the config's `inventories`.
    public var inventory: String
    /// As `-p name=value` gives them.
    public var params: [String: String]
    public var every: Duration
    /// Added to every alert the monitor raises (`cluster: main`).
    public var labels: [String: String]
    public var location: SourceLocation?

    public init(id: String, rules: String, inventory: String, params: [String: String] = [:], every: Duration = .seconds(60),
                labels: [String: String] = [:], location: SourceLocation? = nil) {
        self.id = id
        self.rules = rules
        self.inventory = inventory
        self.params = params
        self.every = every
        self.labels = labels
        self.location = location
    }

    /// What loads the monitor's rules file with its parameters on `inventory` (a path), for the
    /// config's check and the daemon alike.
    public func inputs(inventory: String, clock: any EngineClock = SystemClock()) -> RunInputs {
        let pairs = params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return RunInputs(runbook: rules, inventory: inventory, pairs: pairs, environment: [:], clock: clock)
    }

    /// The journal's `source` of this monitor's samples.
    public var source: String { "monitor \(id)" }
}
