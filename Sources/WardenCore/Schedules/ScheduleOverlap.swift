/// What an occurrence does when the schedule's previous run is still going.
public enum ScheduleOverlap: String, Sendable, Hashable, CaseIterable {
    /// It is skipped (`skipped: overlap with RUN`): the default.
    case skip
    /// It waits for that run to end and starts then, if still within its catchup; one waits at most.
    case queueOne = "queue_one"
    /// It starts beside it: only for a runbook with no step that changes anything.
    case allowAll = "allow_all"
}
