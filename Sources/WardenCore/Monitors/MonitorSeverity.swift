/// How urgent a monitor rule's incident is, passed on as the `severity`
/// label, as Prometheus alerting rules label theirs.
public enum MonitorSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    case critical, warning, info
}
