import Foundation
@testable import WardenCore

/// Webhook bodies modelled on what Alertmanager sends (serve.md §1.1), and
/// builders for deliveries the decider tests send.
enum AlertFixtures {
    /// Three nodes of pegasus-a down, as a v0.34 Alertmanager sends it: with keys
    /// Warden does not read (notification_reason, routeLabels, an alert's unknown key),
    /// a nanosecond startsAt, Go's zero endsAt and a future endsAt on a firing alert.
    static let firing = #"""
    {
      "receiver": "warden",
      "status": "firing",
      "alerts": [
        {
          "status": "firing",
          "labels": {"alertname": "NodeDown", "cluster": "pegasus-a", "node": "replica-1", "severity": "critical"},
          "annotations": {"summary": "replica-1 of pegasus-a is down", "runbook_url": "https://wiki/NodeDown"},
          "startsAt": "2026-12-03T02:10:00.123456789Z",
          "endsAt": "0001-01-01T00:00:00Z",
          "generatorURL": "http://prom:9090/graph?g0.expr=up%3D%3D0",
          "fingerprint": "1a30ba71cca2921f",
          "silencedBy": []
        },
        {
          "status": "firing",
          "labels": {"alertname": "NodeDown", "cluster": "pegasus-a", "node": "replica-2", "severity": "critical"},
          "annotations": {"summary": "replica-2 of pegasus-a is down"},
          "startsAt": "2026-12-03T04:11:00+02:00",
          "endsAt": "2026-12-03T02:25:00Z",
          "generatorURL": "http://prom:9090/graph?g0.expr=up%3D%3D0",
          "fingerprint": "2b41cb82ddb3a320"
        }
      ],
      "groupLabels": {"alertname": "NodeDown", "cluster": "pegasus-a"},
      "commonLabels": {"alertname": "NodeDown", "cluster": "pegasus-a", "severity": "critical"},
      "commonAnnotations": {},
      "externalURL": "http://am:9093",
      "version": "4",
      "groupKey": "{}/{severity=\"critical\"}:{alertname=\"NodeDown\", cluster=\"pegasus-a\"}",
      "truncatedAlerts": 0,
      "notification_reason": "new alerts added",
      "routeLabels": {"severity": "critical"}
    }
    """#

    /// The group resolved, one alert cut by max_alerts.
    static let resolved = #"""
    {"version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "truncatedAlerts": 1, "status": "resolved",
     "receiver": "web\\.hook", "groupLabels": {"alertname": "DiskFull"}, "commonLabels": {"alertname": "DiskFull"},
     "commonAnnotations": {"summary": "disk full"}, "externalURL": "http://am:9093", "notification_reason": "all alerts resolved",
     "alerts": [{"status": "resolved", "labels": {"alertname": "DiskFull", "cluster": "fdb-1"}, "annotations": {},
                 "startsAt": "2026-12-03T01:00:00Z", "endsAt": "2026-12-03T01:30:00.5Z", "generatorURL": "", "fingerprint": "ffee"}]}
    """#

    static let origin = Date(timeIntervalSince1970: 1_750_000_000)

    static func alert(_ fingerprint: String, _ status: AlertStatus = .firing, labels: [String: String], startsAt: Int64 = 1_750_000_000,
                      annotations: [String: String] = [:]) -> AlertmanagerAlert {
        AlertmanagerAlert(status: status, labels: labels, annotations: annotations, startsAt: AlertTimestamp(seconds: startsAt), fingerprint: fingerprint)
    }

    static func delivery(_ alerts: [AlertmanagerAlert]) -> AlertmanagerDelivery {
        delivery(#"{}:{alertname="NodeDown"}"#, alerts)
    }

    static func delivery(_ groupKey: String, _ alerts: [AlertmanagerAlert], truncated: Int = 0) -> AlertmanagerDelivery {
        AlertmanagerDelivery(groupKey: groupKey, truncatedAlerts: truncated, status: alerts.contains { $0.status == .firing } ? .firing : .resolved,
                             alerts: alerts)
    }

    /// A node-down alert of `node` in `cluster`.
    static func nodeDown(_ node: String, cluster: String = "pegasus-a", _ status: AlertStatus = .firing, startsAt: Int64 = 1_750_000_000) -> AlertmanagerAlert {
        alert("fp-\(cluster)-\(node)", status, labels: ["alertname": "NodeDown", "cluster": cluster, "node": node], startsAt: startsAt)
    }

    static func rule(_ id: String = "node-down", runbook: String = "restart-replica", incidentLabels: [String] = ["cluster", "node"],
                     throttles: AlertThrottles = AlertThrottles(), escalation: AlertEscalation? = nil, on: Set<AlertStatus> = [.firing]) throws -> AlertRule {
        AlertRule(id: id, matchers: try LabelMatcher.parseList(#"{alertname="NodeDown"}"#), on: on, runbook: runbook, inventory: "pegasus-a",
                  params: ["cluster": try AlertTemplate("{{ labels.cluster }}", parameter: "cluster"),
                           "node": try AlertTemplate("{{labels.node}}", parameter: "node")],
                  incidentLabels: incidentLabels, throttles: throttles, escalation: escalation)
    }
}
