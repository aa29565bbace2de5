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
    /// The server started the incident's run (waiting at an approval gate, when `awaitingApproval`).
    case started(incident: String, key: IncidentKey, run: String, awaitingApproval: Bool)
    /// An `approval: required` incident's run is planned (`planHash`) and waits for an approver to start it.
    case awaitingApproval(incident: String, key: IncidentKey, planHash: String)
    /// The server did not start the incident's run: its plan was refused (a guard failed, a host
    /// unreachable), a limit was reached, or the runbook is gone. The incident closes.
    case notStarted(incident: String, key: IncidentKey, reason: String)
    case closed(incident: String, key: IncidentKey, IncidentCloseReason)
    /// The incident's alerts are silenced in Alertmanager while its run remediates.
    case silenced(incident: String, rule: String?, run: String, silence: String, alertmanager: String)
    /// No silence could be made; remediation goes on regardless.
    case silenceFailed(incident: String, rule: String?, run: String, reason: String)
    /// The run ended: its silence was expired, or `outcome` says why not (it lapses by itself).
    case silenceExpired(incident: String, run: String, silence: String, alertmanager: String, outcome: String?)
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
        case let .started(incident, key, run, awaitingApproval):
            return awaitingApproval
                ? "waiting for approval: run \(run) of incident \(incident) for \(key) waits for an approver before it changes anything"
                : "run \(run) started for incident \(incident) (\(key))"
        case let .awaitingApproval(incident, key, hash):
            return "waiting for approval: incident \(incident) for \(key): plan \(hash) is ready; an approver starts it (POST /api/v1/incidents/\(incident)/approve)"
        case let .notStarted(incident, key, reason): return "blocked: incident \(incident) for \(key): \(reason)"
        case let .closed(incident, key, reason): return "closed: incident \(incident) for \(key): \(reason)"
        case let .silenced(incident, _, run, silence, alertmanager):
            return "silenced: the alerts of incident \(incident) in \(alertmanager) (silence \(silence)) while run \(run) remediates"
        case let .silenceFailed(incident, _, run, reason):
            return "not silenced: incident \(incident), run \(run) goes on regardless: \(reason)"
        case let .silenceExpired(incident, run, silence, alertmanager, outcome):
            return outcome.map { "silence \(silence) of incident \(incident) in \(alertmanager) not expired after run \(run) ended (it lapses by itself): \($0)" }
                ?? "unsilenced: silence \(silence) of incident \(incident) in \(alertmanager) expired; run \(run) ended"
        case let .duplicate(deliveryKey): return "duplicate: delivery \(deliveryKey.prefix(16)) was decided already"
        case .noRuleMatched: return "no rule matched the firing alerts"
        case .resolvedOnly: return "resolved only: no rule acts on the resolved alerts"
        case let .invalid(error): return "invalid: \(error)"
        case let .unrenderable(key, error): return "not started: \(key): \(error)"
        }
    }
}

extension AlertDecision {
    /// The decision's kind as journaled, listed by the API and counted in metrics:
    /// `start`, `started`, `waiting-for-approval`, `blocked`, `attached`, `throttled`, `flapping`,
    /// `escalated`, `suppressed`, `closed`, `duplicate`, `no-rule-matched`, `resolved-only`,
    /// `invalid`, `unrenderable`.
    public var kind: String {
        switch self {
        case .start: "start"
        case let .started(_, _, _, awaitingApproval): awaitingApproval ? "waiting-for-approval" : "started"
        case .awaitingApproval: "waiting-for-approval"
        case .notStarted: "blocked"
        case .attached: "attached"
        case .throttled: "throttled"
        case .flapping: "flapping"
        case .escalated: "escalated"
        case .suppressedByEscalation: "suppressed"
        case .closed: "closed"
        case .silenced: "silenced"
        case .silenceFailed: "silence-failed"
        case .silenceExpired: "unsilenced"
        case .duplicate: "duplicate"
        case .noRuleMatched: "no-rule-matched"
        case .resolvedOnly: "resolved-only"
        case .invalid: "invalid"
        case .unrenderable: "unrenderable"
        }
    }

    /// Every kind, for metrics that start at zero.
    public static let kinds = ["start", "started", "waiting-for-approval", "blocked", "attached", "throttled", "flapping", "escalated",
                               "suppressed", "closed", "silenced", "silence-failed", "unsilenced", "duplicate", "no-rule-matched", "resolved-only", "invalid", "unrenderable"]

    /// The incident key it concerns, if one.
    public var incidentKey: IncidentKey? {
        switch self {
        case let .start(request): request.incidentKey
        case let .started(_, key, _, _), let .notStarted(_, key, _), let .awaitingApproval(_, key, _), let .attached(_, key, _), let .throttled(key, _),
             let .flapping(key, _, _, _), let .escalated(_, key, _, _, _), let .suppressedByEscalation(_, key), let .closed(_, key, _),
             let .unrenderable(key, _):
            key
        case .duplicate, .noRuleMatched, .resolvedOnly, .invalid, .silenced, .silenceFailed, .silenceExpired: nil
        }
    }

    /// The rule it concerns, if one.
    public var rule: String? {
        switch self {
        case let .start(request): request.rule
        case let .started(_, key, _, _), let .notStarted(_, key, _), let .awaitingApproval(_, key, _), let .attached(_, key, _), let .throttled(key, _), let .flapping(key, _, _, _),
             let .escalated(_, key, _, _, _), let .suppressedByEscalation(_, key), let .closed(_, key, _), let .unrenderable(key, _):
            key.rule
        case let .silenced(_, rule, _, _, _), let .silenceFailed(_, rule, _, _): rule
        case .duplicate, .noRuleMatched, .resolvedOnly, .invalid, .silenceExpired: nil
        }
    }

    /// The incident it concerns, if one.
    public var incident: String? {
        switch self {
        case let .start(request): request.incident
        case let .started(incident, _, _, _), let .notStarted(incident, _, _), let .awaitingApproval(incident, _, _), let .attached(incident, _, _), let .escalated(incident, _, _, _, _),
             let .suppressedByEscalation(incident, _), let .closed(incident, _, _), let .silenced(incident, _, _, _, _),
             let .silenceFailed(incident, _, _, _), let .silenceExpired(incident, _, _, _, _):
            incident
        case .throttled, .flapping, .duplicate, .noRuleMatched, .resolvedOnly, .invalid, .unrenderable: nil
        }
    }

    /// The run it concerns, if one.
    public var run: String? {
        switch self {
        case let .started(_, _, run, _): run
        case let .attached(_, _, run): run
        case let .silenced(_, _, run, _, _), let .silenceFailed(_, _, run, _), let .silenceExpired(_, run, _, _, _): run
        default: nil
        }
    }

    /// Whether a person should hear of it (`notify:`): a run waiting for an approver, an
    /// escalation, a blocked start, a flapping alert.
    public var needsAHuman: Bool {
        switch self {
        case .started(_, _, _, true), .awaitingApproval, .notStarted, .escalated, .flapping: true
        default: false
        }
    }
}
