import Foundation

/// What the scheduler is to do now about one schedule (`ScheduleAgenda`).
public enum ScheduleAction: Sendable, Equatable {
    /// Journal that the schedule exists from now: occurrences before this are never owed.
    case register
    /// Plan the occurrence starting at this instant and ask for its approval.
    case planAhead(Date)
    /// The occurrence is due: start it (or go on waiting for what it waits for).
    case fire(Date)
    /// The occurrence's last useful start passed while it waited: end it by what it waited for.
    case expire(Date)
    /// Journal this outcome for an occurrence that never got further (a missed one).
    case end(Date, ScheduleOutcome)
}
