import Foundation

/// The alerts of one incident as the deliveries its decisions answered
/// carried them (labels, annotations, status), for the web UI's incidents
/// page: an alert belongs to the incident while one of its fingerprints
/// fires in it, or when its rule matches its labels and gives the
/// incident's key (or, for an escalation, its scope). The latest delivery of
/// an alert wins, so a resolved alert reads resolved.
///
/// Everything in an alert came from Alertmanager and whoever wrote the
/// alerting rule: it is data, to be shown as escaped text.
public enum IncidentAlerts {
    /// `deliveries` oldest first; `rules` the config's (an incident of a rule since removed
    /// keeps only the alerts still firing in it).
    public static func of(_ incident: IncidentView, deliveries: [AlertmanagerDelivery], rules: [AlertRule]) -> [AlertmanagerAlert] {
        let rule = rules.first { $0.id == incident.rule }
        let firing = Set(incident.firing)
        func belongs(_ alert: AlertmanagerAlert) -> Bool {
            if firing.contains(alert.fingerprint) { return true }
            guard let rule, let key = incident.key, LabelMatcher.all(rule.matchers, match: alert.labels) else { return false }
            return rule.incidentKey(for: alert.labels).description == key || rule.escalationKey(for: alert.labels)?.description == key
        }
        var order: [String] = []
        var latest: [String: AlertmanagerAlert] = [:]
        for delivery in deliveries {
            for alert in delivery.alerts where belongs(alert) {
                if latest[alert.fingerprint] == nil { order.append(alert.fingerprint) }
                latest[alert.fingerprint] = alert
            }
        }
        return order.compactMap { latest[$0] }
    }
}
