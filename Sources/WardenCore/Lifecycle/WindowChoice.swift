import Foundation

/// Which maintenance window a run keeps to.
public enum WindowChoice: Sendable, Hashable {
    /// The runbook's `window:`, if it has one (every run but a schedule's).
    case runbook
    /// None: a schedule planning an occurrence ahead of its window, so the plan says what the
    /// run would do inside it instead of only that the window is closed now.
    case none
    /// A scheduled occurrence's window: from its start, for the schedule's duration, in its zone
    /// (a zone object and the name the config wrote, which is what messages say).
    case occurrence(DateInterval, TimeZone, String)
}
