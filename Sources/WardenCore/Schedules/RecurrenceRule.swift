import Foundation

/// A subset of RFC 5545's RRULE for maintenance windows:
/// `FREQ=DAILY|WEEKLY|MONTHLY`, `BYDAY`, `BYHOUR`, `BYMINUTE`, `INTERVAL`,
/// as in `FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=2;BYMINUTE=30`. Any other part
/// (COUNT, UNTIL, BYSETPOS, BYSECOND, BYMONTHDAY, WKST...) is refused by name
/// rather than ignored, so a rule never means less than it says.
///
/// A schedule has no DTSTART, so what RFC 5545 would take from one is asked for:
/// - `BYHOUR` is required; `BYMINUTE` defaults to 0.
/// - `WEEKLY` and `MONTHLY` require `BYDAY`. For `DAILY`, `BYDAY` limits the days.
/// - `BYDAY` ordinals (`1MO`, `-1FR`: the first Monday, the last Friday of the
///   month) are for `MONTHLY` only, as in RFC 5545; a plain `MO` there is every Monday.
///
/// `INTERVAL=N` counts from a fixed anchor on the local calendar, not from when
/// the daemon started, so restarts and reloads never shift it: DAILY fires on
/// days whose number since 1970-01-01 is a multiple of N, WEEKLY in weeks
/// (Monday to Sunday, RFC 5545's default WKST) whose number since the week of
/// Monday 1969-12-29 is a multiple of N, MONTHLY in months whose number since
/// January 1970 is a multiple of N. So a DAILY rule whose INTERVAL is a multiple
/// of 7 only ever lands on Thursdays (1970-01-01 was one); with a BYDAY that
/// names no Thursday it would never fire, and is refused.
public struct RecurrenceRule: Sendable, Hashable, CustomStringConvertible {
    enum Frequency: String, Sendable, Hashable {
        case daily = "DAILY"
        case weekly = "WEEKLY"
        case monthly = "MONTHLY"
    }

    /// One `BYDAY` entry: a weekday (0 = Sunday, as cron counts) and, for
    /// MONTHLY, which one of the month (1...5 from the start, -1...-5 from the end).
    struct Day: Sendable, Hashable {
        let weekday: Int
        let ordinal: Int?
    }

    let frequency: Frequency
    let interval: Int
    let days: [Day]
    let hours: [Int]
    let minutes: [Int]
    /// The rule as written, for messages and previews.
    public let description: String

    private static let weekdays = ["SU": 0, "MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6]
    private static let supported: Set<String> = ["FREQ", "INTERVAL", "BYDAY", "BYHOUR", "BYMINUTE"]

    /// Parses `FREQ=...;BYDAY=...`; an `RRULE:` prefix is accepted, and names in any case.
    public static func parse(_ text: String) throws(ScheduleExpressionError) -> RecurrenceRule {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var body = trimmed
        if body.uppercased().hasPrefix("RRULE:") { body = String(body.dropFirst("RRULE:".count)) }
        var parts: [String: String] = [:]
        for part in body.split(separator: ";", omittingEmptySubsequences: false).map(String.init) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
                throw ScheduleExpressionError(.malformedPart(part), field: "RRULE")
            }
            let name = pieces[0].trimmingCharacters(in: .whitespaces).uppercased()
            guard supported.contains(name) else { throw ScheduleExpressionError(.unsupportedPart(name), field: "RRULE") }
            guard parts[name] == nil else { throw ScheduleExpressionError(.duplicatePart(name), field: "RRULE") }
            parts[name] = pieces[1].trimmingCharacters(in: .whitespaces).uppercased()
        }
        guard let frequencyText = parts["FREQ"] else {
            throw ScheduleExpressionError(.missingPart(reason: "FREQ is required (DAILY, WEEKLY or MONTHLY)"), field: "RRULE")
        }
        guard let frequency = Frequency(rawValue: frequencyText) else {
            throw ScheduleExpressionError(.notAValue(frequencyText, allowed: "DAILY WEEKLY MONTHLY"), field: "FREQ")
        }
        var interval = 1
        if let intervalText = parts["INTERVAL"] {
            interval = try numbers(intervalText, field: "INTERVAL", range: 1...1000, single: true).first ?? 1
        }
        guard let hourText = parts["BYHOUR"] else {
            throw ScheduleExpressionError(.missingPart(reason: "BYHOUR is required: without a DTSTART there is no time of day to take it from"), field: "RRULE")
        }
        let hours = try numbers(hourText, field: "BYHOUR", range: 0...23, single: false)
        var minutes = [0]
        if let minuteText = parts["BYMINUTE"] {
            minutes = try numbers(minuteText, field: "BYMINUTE", range: 0...59, single: false)
        }
        var days = Set<Day>()
        if let dayText = parts["BYDAY"] {
            for item in dayText.split(separator: ",", omittingEmptySubsequences: false) {
                days.insert(try day(String(item), frequency: frequency))
            }
        } else if frequency != .daily {
            throw ScheduleExpressionError(.missingPart(reason: "\(frequency.rawValue) needs BYDAY (which days)"), field: "RRULE")
        }
        let thursday = 4
        if frequency == .daily, interval % 7 == 0, !days.isEmpty, !days.contains(where: { $0.weekday == thursday }) {
            throw ScheduleExpressionError(.dailyIntervalMissesDays(interval: interval), field: "INTERVAL")
        }
        return RecurrenceRule(
            frequency: frequency, interval: interval, days: days.sorted { ($0.weekday, $0.ordinal ?? 0) < ($1.weekday, $1.ordinal ?? 0) }, hours: hours, minutes: minutes, description: trimmed
        )
    }

    /// A comma list of numbers in range, sorted and without repeats.
    private static func numbers(_ text: String, field: String, range: ClosedRange<Int>, single: Bool) throws(ScheduleExpressionError) -> [Int] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if single, items.count != 1 { throw ScheduleExpressionError(.notAValue(text, allowed: "one number \(range.lowerBound)-\(range.upperBound)"), field: field) }
        var values = Set<Int>()
        for item in items {
            guard !item.isEmpty else { throw ScheduleExpressionError(.emptyItem, field: field) }
            guard item.allSatisfy(\.isASCII), let number = Int(item), !item.hasPrefix("+") else {
                throw ScheduleExpressionError(.notAValue(item, allowed: "\(range.lowerBound)-\(range.upperBound)"), field: field)
            }
            guard range.contains(number) else { throw ScheduleExpressionError(.outOfRange(number, allowed: range), field: field) }
            values.insert(number)
        }
        return values.sorted()
    }

    private static func day(_ item: String, frequency: Frequency) throws(ScheduleExpressionError) -> Day {
        guard !item.isEmpty else { throw ScheduleExpressionError(.emptyItem, field: "BYDAY") }
        let allowed = frequency == .monthly ? "MO TU WE TH FR SA SU, with an ordinal 1-5 or -1 to -5 before it" : "MO TU WE TH FR SA SU"
        let name = String(item.suffix(2))
        guard let weekday = weekdays[name] else { throw ScheduleExpressionError(.notAValue(item, allowed: allowed), field: "BYDAY") }
        let prefix = String(item.dropLast(2))
        guard !prefix.isEmpty else { return Day(weekday: weekday, ordinal: nil) }
        guard frequency == .monthly, prefix.allSatisfy(\.isASCII), let ordinal = Int(prefix), !prefix.hasPrefix("+"),
              (1...5).contains(abs(ordinal))
        else { throw ScheduleExpressionError(.notAValue(item, allowed: allowed), field: "BYDAY") }
        return Day(weekday: weekday, ordinal: ordinal)
    }

    /// Whether the rule selects the local day, INTERVAL included.
    func matches(_ date: CivilDate) -> Bool {
        let dayNumber = date.dayNumber
        switch frequency {
        case .daily:
            guard Self.isMultiple(dayNumber, of: interval) else { return false }
            return days.isEmpty || days.contains { $0.weekday == date.weekday }
        case .weekly:
            // Day 0 was a Thursday; + 3 makes the week start on Monday 1969-12-29.
            guard Self.isMultiple(Self.floorDivide(dayNumber + 3, 7), of: interval) else { return false }
            return days.contains { $0.weekday == date.weekday }
        case .monthly:
            guard Self.isMultiple((date.year - 1970) * 12 + date.month - 1, of: interval) else { return false }
            let fromStart = (date.day - 1) / 7 + 1
            let fromEnd = -((date.daysInMonth - date.day) / 7 + 1)
            return days.contains { day in
                day.weekday == date.weekday && (day.ordinal == nil || day.ordinal == fromStart || day.ordinal == fromEnd)
            }
        }
    }

    /// The local times of a selected day, as minutes after midnight, ascending.
    var minutesOfDay: [Int] {
        hours.flatMap { hour in minutes.map { hour * 60 + $0 } }
    }

    private static func isMultiple(_ value: Int, of interval: Int) -> Bool {
        ((value % interval) + interval) % interval == 0
    }

    private static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
