/// One thing an API client may ask `warden serve` to do. Requests name the
/// permission they need; roles grant sets of them (`Role.permissions`).
/// Kept finer than the roles so that the server checks one question per
/// endpoint ("may this identity approve?") and the role table is the only
/// place that says who may.
public enum Permission: String, Sendable, CaseIterable {
    /// Read runs, plans, events, locks and the audit log.
    case read
    /// Plan a runbook (no change on any host).
    case plan
    /// Start a run.
    case startRun
    /// Cancel a running run.
    case cancelRun
    /// Resume a run whose controller is gone.
    case resumeRun
    /// Approve or deny an approval gate.
    case approve
    /// Break a run lock whose holder cannot release it.
    case breakLock
    /// Reload the server's configuration (inventory, policy, tokens).
    case reload
    /// Close an alert incident by hand (its runs are not touched).
    case closeIncident
    /// Pause or resume a schedule, or start one of its occurrences now.
    case controlSchedule
    /// Deliver an alert (the alert receiver's one endpoint).
    case deliverAlerts
    /// Read the server's metrics.
    case readMetrics
}
