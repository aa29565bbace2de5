import Foundation

/// A monitor's memory: each rule's recent points and which rules fire,
/// fed one round at a time, live or replayed from the journal in order.
/// Plain data, so the daemon's service and the tests share it.
public struct MonitorTracker: Sendable {
    public let monitor: MonitorConfiguration
    public let rules: [MonitorRule]
    private var history: [String: [MonitorPoint]] = [:]
    /// Firing rules and since when (their alerts' `startsAt`).
    public private(set) var firingSince: [String: Date] = [:]
    /// Each rule's verdict after the latest round.
    public private(set) var verdicts: [String: MonitorVerdict] = [:]
    /// Each rule's latest value, for the `warden_monitor_value` gauges.
    public private(set) var values: [String: Double] = [:]

    public init(monitor: MonitorConfiguration, rules: [MonitorRule]) {
        self.monitor = monitor
        self.rules = rules
    }

    /// What one round changed: rules that began firing, and those that stopped (with when they had begun).
    public struct Change: Sendable, Hashable {
        /// A rule that stopped firing, and since when it had fired.
        public struct Stopped: Sendable, Hashable {
            public let rule: String
            public let since: Date
        }

        public var started: [String] = []
        public var stopped: [Stopped] = []
        public var isEmpty: Bool { started.isEmpty && stopped.isEmpty }
    }

    /// Adds a round taken at `time` (points by rule name; a rule without one had no data).
    @discardableResult
    public mutating func add(_ points: [String: MonitorPoint], at time: Date) -> Change {
        var change = Change()
        for rule in rules {
            let point = points[rule.name] ?? MonitorPoint(time: time, breach: nil, value: nil)
            var series = history[rule.name] ?? []
            series.append(point)
            // Kept as far back as the rule reads, and one more (a change rule compares with the one before).
            let horizon = rule.horizon(interval: monitor.every) + monitor.every * 3
            if let first = series.firstIndex(where: { time.timeIntervalSince($0.time) <= horizon.timeInterval }), first > 1 {
                series.removeFirst(first - 1)
            }
            history[rule.name] = series
            if let value = point.value { values[rule.name] = value } else { values[rule.name] = nil }
            let verdict = rule.verdict(over: series, interval: monitor.every)
            verdicts[rule.name] = verdict
            switch (verdict.isFiring, firingSince[rule.name]) {
            case (true, nil):
                firingSince[rule.name] = time
                change.started.append(rule.name)
            case let (false, since?):
                // An unknown sample (the probe failed) neither fires nor resolves: the alert stays as it was.
                if case .unknown = verdict { continue }
                firingSince[rule.name] = nil
                change.stopped.append(Change.Stopped(rule: rule.name, since: since))
            default:
                break
            }
        }
        return change
    }

    /// The labels of `rule`'s alert.
    public func labels(of rule: MonitorRule) -> [String: String] {
        var labels = monitor.labels
        labels["alertname"] = rule.name
        labels["rule"] = rule.name
        labels["monitor"] = monitor.id
        labels["severity"] = rule.severity.rawValue
        return labels
    }
}
