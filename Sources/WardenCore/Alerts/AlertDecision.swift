/// What Warden decided about (part of) one Alertmanager delivery. Every
/// delivery gets at least one decision, non-actions included, and each says
/// in `description` which rule, which key and why, as the journal records it.
public enum AlertDecision: Sendable, Hashable, CustomStringConvertible {
    /// Open an incident's run: plan it and start it (or ask for approval).
    case start(RunPlanRequest)
    /// Alerts joined an incident that is already open (`run` nil while its start is pending).
    case attached(incident: String, key: IncidentKey, run: String?)
    case throttled(key: IncidentKey, AlertThrottleReason)
    /// An alert changed state more than the rule's `flapping.changes` times within the period.
    case flapping(key: IncidentKey, alert: String, changes: Int, within: Duration)
    /// A scope reached the escalation threshold: the next decision starts the escalated runbook.
    case escalated(incident: String, key: IncidentKey, runbook: String, members: Int, atLeast: Int)
    /// The per-member rule stays still: the scope's escalated incident is open.
    case suppressedByEscalation(incident: String, key: IncidentKey)
    case closed(incident: String, key: IncidentKey, IncidentCloseReason)
    /// The same notification (a retry, an HA twin, an unchanged repeat) was decided already.
    case duplicate(deliveryKey: String)
    /// Firing alerts matched no rule.
    case noRuleMatched
    /// Only resolved alerts, and no rule acts on them (incidents they close are `closed` decisions).
    case resolvedOnly
    /// The body is not a delivery Warden reads.
    case invalid(AlertmanagerDeliveryError)
    /// A parameter of the rule does not render for the alert: no run with a hole in it.
    case unrenderable(key: IncidentKey, AlertTemplateError)

    /// One line whatever the labels hold: label values come from outside, and a newline
    /// or an escape sequence in one must not forge a line of the journal or the terminal.
    public var description: String { VisibleText.line(sentence) }

    private var sentence: String {
        switch self {
        case let .start(request):
            let what = request.escalated ? "escalated runbook" : "runbook"
            let params = request.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "start: rule \(request.rule), \(what) \(request.runbook) on \(request.inventory) for \(request.incidentKey) (incident \(request.incident)"
                + (params.isEmpty ? "" : "; \(params)") + (request.approval == .required ? "; approval required" : "") + ")"
        case let .attached(incident, key, run):
            return "attached: to open incident \(incident) for \(key)" + (run.map { " (run \($0))" } ?? " (no run started yet)")
        case let .throttled(key, reason): return "throttled: \(key): \(reason)"
        case let .flapping(key, alert, changes, within):
            return "flapping: \(key): alert \(alert) changed firing/resolved \(changes) times within \(DurationText.format(within)); not acted on"
        case let .escalated(incident, key, runbook, members, atLeast):
            return "escalated: \(key) has \(members) members firing (escalate at \(atLeast)); incident \(incident) runs \(runbook) once"
        case let .suppressedByEscalation(incident, key): return "suppressed by escalation: \(key) is covered by escalated incident \(incident)"
        case let .closed(incident, key, reason): return "closed: incident \(incident) for \(key): \(reason)"
        case let .duplicate(deliveryKey): return "duplicate: delivery \(deliveryKey.prefix(16)) was decided already"
        case .noRuleMatched: return "no rule matched the firing alerts"
        case .resolvedOnly: return "resolved only: no rule acts on the resolved alerts"
        case let .invalid(error): return "invalid: \(error)"
        case let .unrenderable(key, error): return "not started: \(key): \(error)"
        }
    }
}
