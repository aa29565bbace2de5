import Crypto
import Foundation

/// A monitor's firing and resolved rules as the body of an Alertmanager
/// webhook (version 4), so they are decided on exactly as Alertmanager's
/// alerts are: same rules, dedup (fingerprint and start), incidents,
/// throttles and recorded decisions.
public enum MonitorDelivery {
    public struct Alert: Sendable {
        public let rule: MonitorRule
        /// When it began firing (`startsAt`; with the fingerprint, what dedups it).
        public let since: Date
        /// When it stopped firing; nil while it fires.
        public let ended: Date?
        public let value: Double?
        public let detail: String

        public init(rule: MonitorRule, since: Date, ended: Date?, value: Double?, detail: String) {
            self.rule = rule
            self.since = since
            self.ended = ended
            self.value = value
            self.detail = detail
        }
    }

    /// The webhook body for `alerts` of `tracker`'s monitor.
    public static func body(_ alerts: [Alert], of tracker: MonitorTracker) -> [UInt8] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let items: [[String: Any]] = alerts.map { alert in
            let labels = tracker.labels(of: alert.rule)
            var annotations = ["summary": alert.rule.message ?? alert.rule.conditionText, "description": alert.detail,
                               "condition": alert.rule.conditionText]
            if let value = alert.value { annotations["value"] = MonitorRule.format(value) }
            return [
                "status": alert.ended == nil ? "firing" : "resolved",
                "labels": labels,
                "annotations": annotations,
                "startsAt": formatter.string(from: alert.since),
                "endsAt": alert.ended.map { formatter.string(from: $0) } ?? "0001-01-01T00:00:00Z",
                "generatorURL": "",
                "fingerprint": fingerprint(labels),
            ]
        }
        let firing = alerts.contains { $0.ended == nil }
        let common = alerts.count == 1 ? alerts.first.map { tracker.labels(of: $0.rule) } ?? [:] : ["monitor": tracker.monitor.id]
        let body: [String: Any] = [
            "version": "4", "receiver": "warden-monitor", "status": firing ? "firing" : "resolved", "alerts": items,
            "groupLabels": ["monitor": tracker.monitor.id], "commonLabels": common, "commonAnnotations": [String: String](),
            "externalURL": "", "groupKey": "monitor:\(tracker.monitor.id)", "truncatedAlerts": 0,
        ]
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])).map(Array.init) ?? []
    }

    /// As Alertmanager's: a hash of the sorted labels, 16 hex digits.
    static func fingerprint(_ labels: [String: String]) -> String {
        let text = labels.sorted { $0.key < $1.key }.map { "\($0.key)\u{ff}\($0.value)\u{ff}" }.joined()
        return String(SHA256.hash(data: Array(text.utf8)).hexText.prefix(16))
    }
}
