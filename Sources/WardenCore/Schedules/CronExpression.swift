import Foundation

/// A five-field cron line, `minute hour day-of-month month day-of-week`, in
/// the Vixie cron dialect (the one of Debian's and Red Hat's cron, and of
/// POSIX crontab), with `L` added to day-of-month.
///
/// - Items: `*`, `N`, `N-M`, each with an optional `/STEP`, separated by commas.
///   `N/STEP` runs from N to the end of the field, as Vixie cron reads it.
///   Ranges do not wrap (`FRI-MON` is an error, write `FRI-SAT,SUN-MON`).
/// - Names `JAN`-`DEC` and `SUN`-`SAT` in any case; day-of-week 7 is Sunday.
/// - `L` in day-of-month is the last day of the month (`0 3 L * *`, `0 3 15,L * *`).
/// - Days: when day-of-month and day-of-week are both restricted, a day matches
///   if either does (POSIX). "Restricted" is Vixie's test: the field does not start
///   with `*`, so `0 0 */2 * MON` means odd days that are Mondays.
/// - Shorthands `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly`,
///   `@yearly` (`@annually`); `@reboot` is refused, it is not a time.
/// - A line whose days never occur in its months (`0 0 30 FEB *`) is refused:
///   a maintenance window that never opens is a mistake, not a choice.
///
/// Times are local wall-clock times; `ScheduleOccurrences` maps them to
/// instants in a zone.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    let daysOfWeek: CronField
    /// The line as written, for messages and previews.
    public let description: String

    public static func parse(_ text: String) throws(ScheduleExpressionError) -> CronExpression {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var line = trimmed
        if trimmed.hasPrefix("@") {
            guard let expanded = shorthands[trimmed.lowercased()] else {
                throw ScheduleExpressionError(.unsupportedShorthand(trimmed), field: "cron")
            }
            line = expanded
        }
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else { throw ScheduleExpressionError(.wrongFieldCount(fields.count), field: "cron") }
        let expression = CronExpression(
            minutes: try CronField.parse(fields[0], as: .minute),
            hours: try CronField.parse(fields[1], as: .hour),
            daysOfMonth: try CronField.parse(fields[2], as: .dayOfMonth),
            months: try CronField.parse(fields[3], as: .month),
            daysOfWeek: try CronField.parse(fields[4], as: .dayOfWeek),
            description: trimmed
        )
        guard expression.canOccur else { throw ScheduleExpressionError(.neverOccurs, field: "day-of-month") }
        return expression
    }

    private static let shorthands = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Whether the day fields select the day; month included.
    func matches(_ date: CivilDate) -> Bool {
        guard months.contains(date.month) else { return false }
        let dayOfMonth = daysOfMonth.contains(date.day) || (daysOfMonth.lastDay && date.day == date.daysInMonth)
        let dayOfWeek = daysOfWeek.contains(date.weekday)
        if daysOfMonth.startsWithStar || daysOfWeek.startsWithStar { return dayOfMonth && dayOfWeek }
        return dayOfMonth || dayOfWeek
    }

    /// The local times of a selected day, as minutes after midnight, ascending.
    var minutesOfDay: [Int] {
        hours.values.flatMap { hour in minutes.values.map { hour * 60 + $0 } }
    }

    /// False when only day-of-month decides the day and none of its days exists in
    /// any month named (February counted with 29 days).
    private var canOccur: Bool {
        guard !daysOfMonth.startsWithStar, daysOfWeek.startsWithStar else { return true }
        if daysOfMonth.lastDay { return true }
        let longest = months.values.map { CivilDate.daysIn(month: $0, year: 2000) }.max() ?? 0
        return daysOfMonth.values.contains { $0 <= longest }
    }
}
