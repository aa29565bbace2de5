/// When a schedule's windows open, on the local wall clock of its zone: a cron
/// line or an RRULE. `ScheduleOccurrences` turns it into instants.
public enum ScheduleExpression: Sendable, Hashable, CustomStringConvertible {
    case cron(CronExpression)
    case recurrence(RecurrenceRule)

    /// Text starting with `FREQ=` or `RRULE:` (any case) is an RRULE; anything
    /// else is read as a cron line, so its errors are cron's.
    public static func parse(_ text: String) throws(ScheduleExpressionError) -> ScheduleExpression {
        let head = text.drop { $0 == " " || $0 == "\t" }.prefix(6).uppercased()
        if head.hasPrefix("FREQ=") || head.hasPrefix("RRULE:") {
            return .recurrence(try RecurrenceRule.parse(text))
        }
        return .cron(try CronExpression.parse(text))
    }

    public var description: String {
        switch self {
        case let .cron(expression): expression.description
        case let .recurrence(rule): rule.description
        }
    }

    /// Whether the expression selects the local day.
    func matches(_ date: CivilDate) -> Bool {
        switch self {
        case let .cron(expression): expression.matches(date)
        case let .recurrence(rule): rule.matches(date)
        }
    }

    /// The local times of a selected day, minutes after midnight, ascending.
    var minutesOfDay: [Int] {
        switch self {
        case let .cron(expression): expression.minutesOfDay
        case let .recurrence(rule): rule.minutesOfDay
        }
    }
}
