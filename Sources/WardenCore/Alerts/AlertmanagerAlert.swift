/// One alert of an Alertmanager notification, as webhook protocol version 4 sends it.
public struct AlertmanagerAlert: Sendable, Hashable {
    public var status: AlertStatus
    public var labels: [String: String]
    public var annotations: [String: String]
    public var startsAt: AlertTimestamp
    /// Go's zero time while the alert has no end (`AlertTimestamp.isZero`); may be
    /// in the future for a firing alert, which is why Warden reads `status`.
    public var endsAt: AlertTimestamp
    public var generatorURL: String
    /// The hash of the label set: the same alert firing again later has the
    /// same fingerprint, and a different `startsAt`.
    public var fingerprint: String

    public init(status: AlertStatus, labels: [String: String], annotations: [String: String] = [:], startsAt: AlertTimestamp,
                endsAt: AlertTimestamp = AlertTimestamp(seconds: -62_135_596_800), generatorURL: String = "", fingerprint: String) {
        self.status = status
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
        self.fingerprint = fingerprint
    }

    /// One occurrence of the alert: its fingerprint and when it started. A retry or
    /// a repeat notification carries the same occurrence; a re-fire a new one.
    public var occurrence: String { "\(fingerprint)@\(startsAt)" }
}
