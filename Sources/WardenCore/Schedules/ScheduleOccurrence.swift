import Foundation

/// One time a schedule's window opens: its nominal start, and whether the
/// zone's DST rules moved or doubled the wall-clock time it was asked for
/// (for `warden schedules preview` to warn about).
public struct ScheduleOccurrence: Sendable, Hashable, CustomStringConvertible {
    /// The nominal start instant; with the schedule's id, the occurrence's identity.
    public let start: Date
    /// The local time asked for does not exist that day (the clocks sprang
    /// forward over it), so the occurrence starts at the first instant after the
    /// gap. Also set when such a time fell on the same instant as an existing
    /// one and the two became this single occurrence.
    public let shiftedByGap: Bool
    /// The local time happened twice that day (the clocks fell back); the
    /// occurrence is the first of the two, and the second does not fire.
    public let ambiguous: Bool

    public init(start: Date, shiftedByGap: Bool = false, ambiguous: Bool = false) {
        self.start = start
        self.shiftedByGap = shiftedByGap
        self.ambiguous = ambiguous
    }

    public var description: String {
        var text = "\(start)"
        if shiftedByGap { text += " (moved past a DST gap)" }
        if ambiguous { text += " (first of a repeated DST hour)" }
        return text
    }
}
