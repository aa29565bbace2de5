import Foundation
import WardenCore

/// An alert as a test posts it to Alertmanager (`POST /api/v2/alerts`), as Prometheus would:
/// labels identify it, `startsAt` is when it began firing, and an `endsAt` in the past
/// resolves it (`resolved()`).
public struct TestAlert: Sendable, Hashable {
    public var labels: [String: String]
    public var annotations: [String: String]
    public var startsAt: Date
    /// nil: no end (firing until resolved; Alertmanager then applies its `resolve_timeout`).
    public var endsAt: Date?
    public var generatorURL: String

    public init(labels: [String: String], annotations: [String: String] = [:], startsAt: Date = Date(), endsAt: Date? = nil,
                generatorURL: String = "http://prometheus.test:9090/graph") {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    /// The same alert, ended a second ago: posting it resolves the alert.
    public func resolved(at time: Date = Date().addingTimeInterval(-1)) -> TestAlert {
        var alert = self
        alert.endsAt = max(time, startsAt)
        return alert
    }

    /// The JSON object API v2's `postableAlert` is.
    var json: [String: Any] {
        var object: [String: Any] = ["labels": labels, "annotations": annotations, "startsAt": AlertTimestamp(startsAt).description,
                                     "generatorURL": generatorURL]
        if let endsAt { object["endsAt"] = AlertTimestamp(endsAt).description }
        return object
    }
}
