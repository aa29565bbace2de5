/// `silence:` of an alert rule: while the incident's run remediates, Warden
/// silences the incident's alerts in this Alertmanager (API v2) for at most
/// `duration`, and expires the silence when the run ends.
public struct AlertSilenceSpec: Sendable, Hashable {
    /// Alertmanager's base URL, e.g. `http://127.0.0.1:9093`.
    public var alertmanager: String
    /// The silence's length: it lapses by itself after this even if Warden never expires it.
    public var duration: Duration

    public init(alertmanager: String, duration: Duration) {
        self.alertmanager = alertmanager
        self.duration = duration
    }
}
