import Foundation

/// The occurrences of a schedule expression in an IANA zone: local wall-clock
/// times turned into UTC instants, with the DST rules of issue 17.
///
/// - A local time that does not exist (spring forward) fires at the first
///   instant after the gap, once: 02:30 in Europe/Berlin on 2026-03-29 is
///   03:00 local, 01:00 UTC. Several times in one gap (`*/15`) and a time right
///   after it all become that one occurrence.
/// - A local time that happens twice (fall back) fires at the first of the two,
///   once; the repeated hour's second pass fires nothing.
///
/// Expansion walks local days, tests each against the day fields, and resolves
/// only the times of the days that match, so a yearly expression costs a
/// year's worth of day tests, not minutes.
public struct ScheduleOccurrences: Sendable {
    public let expression: ScheduleExpression
    public let timeZone: TimeZone
    private let minutesOfDay: [Int]

    /// How far ahead a search goes before it gives up: 400 years, after which the
    /// Gregorian calendar (leap years and weekdays) repeats itself.
    static let searchHorizonDays = 146_097

    public init(_ expression: ScheduleExpression, in timeZone: TimeZone) {
        self.expression = expression
        self.timeZone = timeZone
        minutesOfDay = expression.minutesOfDay
    }

    /// The first occurrence strictly after `after`.
    public func next(after: Date) -> ScheduleOccurrence? {
        next(1, after: after).first
    }

    /// The first `count` occurrences strictly after `after`, ascending, no instant twice.
    public func next(_ count: Int, after: Date) -> [ScheduleOccurrence] {
        guard count > 0, !minutesOfDay.isEmpty else { return [] }
        let clock = ZoneWallClock(timeZone: timeZone)
        // A day early: the zone's offset can put the first candidate on the day before.
        let firstDay = clock.dayNumber(of: after) - 1
        var found: [ScheduleOccurrence] = []
        for dayNumber in firstDay..<(firstDay + Self.searchHorizonDays) {
            guard expression.matches(CivilDate(dayNumber: dayNumber)) else { continue }
            for minute in minutesOfDay {
                let occurrence = clock.resolve(dayNumber: dayNumber, minuteOfDay: minute)
                guard occurrence.start > after else { continue }
                if let last = found.last, occurrence.start <= last.start {
                    // Local times that land on one instant (a gap's times and the time
                    // after it) are one occurrence; keep what each one says about DST.
                    if occurrence.start == last.start {
                        found[found.count - 1] = ScheduleOccurrence(
                            start: last.start,
                            shiftedByGap: last.shiftedByGap || occurrence.shiftedByGap,
                            ambiguous: last.ambiguous || occurrence.ambiguous
                        )
                    }
                    continue
                }
                // Only now is the list known complete: the time that ends it may
                // have merged into its last entry.
                if found.count == count { return found }
                found.append(occurrence)
            }
        }
        return found
    }
}
