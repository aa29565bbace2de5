/// Whether an alert fires or has resolved, as Alertmanager states it per alert
/// (and per group: "firing" if any alert of the group fires).
///
/// Warden reads the per-alert status, never `endsAt`: a firing alert may carry
/// a future `endsAt`, and Prometheus re-sends resolved alerts for a while.
public enum AlertStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case firing
    case resolved
}
