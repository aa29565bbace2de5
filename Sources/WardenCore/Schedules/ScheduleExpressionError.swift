/// Why a schedule's cron line or RRULE does not parse. `field` names the part
/// at fault as the operator wrote it (`hour`, `day-of-week`, `BYHOUR`, `cron`,
/// `RRULE`), so a loader can put it next to the YAML location.
public struct ScheduleExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable {
        /// A number outside the field's range, like hour 24.
        case outOfRange(Int, allowed: ClosedRange<Int>)
        /// Neither a number nor one of the field's names; `allowed` says what is.
        case notAValue(String, allowed: String)
        /// `5-1`: cron ranges do not wrap around.
        case backwardsRange(from: Int, to: Int)
        /// `*/0`, `*/x`: a step must be a whole number of at least 1.
        case badStep(String)
        /// `1,,2`, a trailing comma, or nothing at all.
        case emptyItem
        /// `L` standing anywhere but alone as a list item of day-of-month.
        case misplacedLast(String)
        /// A cron line without exactly five fields.
        case wrongFieldCount(Int)
        /// `@reboot` or an unknown `@` name.
        case unsupportedShorthand(String)
        /// The days of month named never occur in the months named (`0 0 30 2 *`),
        /// so the schedule would never fire.
        case neverOccurs
        /// A DAILY INTERVAL that is a multiple of 7 lands only on Thursdays (its
        /// anchor, 1970-01-01, was one), and BYDAY names none: it would never fire.
        case dailyIntervalMissesDays(interval: Int)
        /// An RRULE part Warden does not implement (COUNT, UNTIL, BYSETPOS...).
        case unsupportedPart(String)
        /// The same RRULE part twice.
        case duplicatePart(String)
        /// A part the rule cannot do without (FREQ, BYHOUR, BYDAY for WEEKLY and MONTHLY).
        case missingPart(reason: String)
        /// An RRULE part not written `NAME=VALUE`.
        case malformedPart(String)
    }

    public var field: String
    public var problem: Problem

    public init(_ problem: Problem, field: String) {
        self.problem = problem
        self.field = field
    }

    public var description: String {
        let what = switch problem {
        case let .outOfRange(value, allowed): "\(value) is out of range \(allowed.lowerBound)-\(allowed.upperBound)"
        case let .notAValue(text, allowed): "'\(text)' is not allowed (allowed: \(allowed))"
        case let .backwardsRange(from, to): "range \(from)-\(to) runs backwards (ranges do not wrap)"
        case let .badStep(text): "step '\(text)' is not a whole number of at least 1"
        case .emptyItem: "an empty item"
        case let .misplacedLast(text): "'\(text)': L stands alone as a day-of-month item (the last day of the month)"
        case let .wrongFieldCount(count): "expected 5 fields (minute hour day-of-month month day-of-week), got \(count)"
        case let .unsupportedShorthand(text): "'\(text)' is not supported (allowed: @hourly @daily @midnight @weekly @monthly @yearly @annually)"
        case .neverOccurs: "none of these days occurs in the months named, so the schedule would never fire"
        case let .dailyIntervalMissesDays(interval): "a DAILY rule every \(interval) days, counted from Thursday 1970-01-01, only lands on Thursdays, and BYDAY names none, so it would never fire (use FREQ=WEEKLY)"
        case let .unsupportedPart(name): "\(name) is not supported (allowed: FREQ INTERVAL BYDAY BYHOUR BYMINUTE)"
        case let .duplicatePart(name): "\(name) appears twice"
        case let .missingPart(reason): reason
        case let .malformedPart(text): "'\(text)' is not NAME=VALUE"
        }
        return "\(field): \(what)"
    }
}
