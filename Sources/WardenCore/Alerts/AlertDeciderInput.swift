import Foundation

/// What the decider is told, each with when: the record the daemon journals,
/// and replays after a restart to come back to the same incidents and throttles
/// (`AlertDeciderState.replay`). Decisions are recomputed from these, so a
/// replay also checks that the journaled decisions still follow.
public enum AlertDeciderInput: Sendable, Hashable {
    /// A webhook body (the journal keeps the raw body; this is its decoding, or the
    /// decoding error for a body that was refused).
    case delivery(Result<AlertmanagerDelivery, AlertmanagerDeliveryError>, at: Date)
    /// The server started the run an incident's `start` asked for; `awaitingApproval` when
    /// it stops at an approval gate before its first change.
    case runStarted(run: String, incident: String, awaitingApproval: Bool, at: Date)
    /// The server could not start it (plan refused, a limit reached): the incident has no run.
    case startFailed(incident: String, reason: String, at: Date)
    /// An `approval: required` incident's run was planned; it waits for an approver to start it.
    case planned(incident: String, planHash: String, at: Date)
    case runEnded(run: String, at: Date)
    /// The incident's alerts were silenced in `alertmanager` while `run` remediates.
    case silenced(run: String, incident: String, silence: String, alertmanager: String, at: Date)
    /// The silence could not be created (`reason`); the run goes on.
    case silenceFailed(run: String, incident: String, reason: String, at: Date)
    /// The run ended; its silence was expired (`outcome` nil) or could not be (`outcome` says why).
    case silenceExpired(run: String, incident: String, silence: String, alertmanager: String, outcome: String?, at: Date)
    case close(incident: String, reason: String, at: Date)
    /// A monitor's sample: history, not an alert; nothing is decided about it.
    case monitorSample(at: Date)

    public var at: Date {
        switch self {
        case let .delivery(_, at), let .runStarted(_, _, _, at), let .startFailed(_, _, at), let .planned(_, _, at), let .runEnded(_, at),
             let .silenced(_, _, _, _, at), let .silenceFailed(_, _, _, at), let .silenceExpired(_, _, _, _, _, at), let .close(_, _, at),
             let .monitorSample(at): at
        }
    }
}
