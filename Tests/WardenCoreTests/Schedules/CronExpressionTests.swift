import Foundation
import Testing
@testable import WardenCore

extension SchedulesTests {
    @Suite("Cron expressions")
    struct CronExpressionTests {
        @Test func fieldsParseListsRangesStepsAndNames() throws {
            let cron = try CronExpression.parse("10-50/20 */6 1,15,L jan-Mar MON-fri")
            #expect(cron.minutes.values == [10, 30, 50])
            #expect(cron.hours.values == [0, 6, 12, 18])
            #expect(cron.daysOfMonth.values == [1, 15] && cron.daysOfMonth.lastDay)
            #expect(cron.months.values == [1, 2, 3])
            #expect(cron.daysOfWeek.values == [1, 2, 3, 4, 5])
            // N/STEP runs to the end of the field, as Vixie cron reads it.
            #expect(try CronExpression.parse("5/20 * * * *").minutes.values == [5, 25, 45])
            // 7 is Sunday, folded to 0; `*` on day-of-week never includes 7 twice.
            #expect(try CronExpression.parse("0 0 * * 7").daysOfWeek.values == [0])
            #expect(try CronExpression.parse("0 0 * * 5-7").daysOfWeek.values == [0, 5, 6])
            #expect(try CronExpression.parse("0 0 * * *").daysOfWeek.values == [0, 1, 2, 3, 4, 5, 6])
            #expect(try CronExpression.parse("  0\t0 * * *  ").description == "0\t0 * * *", "tabs and outer spaces are fine")
        }

        @Test func shorthandsAreTheirFiveFields() throws {
            for (shorthand, line) in [("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@MIDNIGHT", "0 0 * * *"), ("@weekly", "0 0 * * 0"),
                                      ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *")] {
                #expect(try SchedulesTests.starts(shorthand, after: "2026-04-01T00:30:00Z", count: 3)
                    == SchedulesTests.starts(line, after: "2026-04-01T00:30:00Z", count: 3), "\(shorthand)")
            }
        }

        @Test func errorsNameTheFieldTheValueAndWhatIsAllowed() {
            let refusals = [
                "61 * * * *": "minute: 61 is out of range 0-59",
                "0 24 * * *": "hour: 24 is out of range 0-23",
                "0 0 0 * *": "day-of-month: 0 is out of range 1-31",
                "0 0 32 * *": "day-of-month: 32 is out of range 1-31",
                "0 0 * 13 *": "month: 13 is out of range 1-12",
                "0 0 * * 8": "day-of-week: 8 is out of range 0-7",
                "0 0 * FOO *": "month: 'FOO' is not allowed (allowed: 1-12 or JAN-DEC)",
                "0 0 * * MON-SUNDAY": "day-of-week: 'SUNDAY' is not allowed (allowed: 0-7 or SUN-SAT)",
                "0 0 * * 5L": "day-of-week: '5L' is not allowed (allowed: 0-7 or SUN-SAT)",
                "x 0 * * *": "minute: 'x' is not allowed (allowed: 0-59)",
                "0 0 * * FRI-MON": "day-of-week: range 5-1 runs backwards (ranges do not wrap)",
                "0 0 5-1 * *": "day-of-month: range 5-1 runs backwards (ranges do not wrap)",
                "*/0 * * * *": "minute: step '0' is not a whole number of at least 1",
                "*/x * * * *": "minute: step 'x' is not a whole number of at least 1",
                "1/2/3 * * * *": "minute: step '2/3' is not a whole number of at least 1",
                "1,,2 * * * *": "minute: an empty item",
                "0 0 -5 * *": "day-of-month: an empty item",
                "0 0 LW * *": "day-of-month: 'LW': L stands alone as a day-of-month item (the last day of the month)",
                "0 0 L/2 * *": "day-of-month: 'L/2': L stands alone as a day-of-month item (the last day of the month)",
                "0 0 * *": "cron: expected 5 fields (minute hour day-of-month month day-of-week), got 4",
                "0 0 0 * * *": "cron: expected 5 fields (minute hour day-of-month month day-of-week), got 6",
                "": "cron: expected 5 fields (minute hour day-of-month month day-of-week), got 0",
                "@reboot": "cron: '@reboot' is not supported (allowed: @hourly @daily @midnight @weekly @monthly @yearly @annually)",
                "@every 5m": "cron: '@every 5m' is not supported (allowed: @hourly @daily @midnight @weekly @monthly @yearly @annually)",
                "0 0 30 2 *": "day-of-month: none of these days occurs in the months named, so the schedule would never fire",
                "0 0 31 APR,JUN *": "day-of-month: none of these days occurs in the months named, so the schedule would never fire",
            ]
            for (line, message) in refusals {
                #expect(SchedulesTests.refusal(line) == message, "\(line)")
            }
            #expect(throws: ScheduleExpressionError(.outOfRange(24, allowed: 0...23), field: "hour")) { try CronExpression.parse("0 24 * * *") }
            // Day-of-week can still pick such a day, so these fire (on Mondays).
            #expect(SchedulesTests.refusal("0 0 30 2 MON") == nil)
            #expect(SchedulesTests.refusal("0 0 29 2 *") == nil)
        }

        @Test func thirtyFirstFiresOnlyInMonthsWithOne() throws {
            #expect(try SchedulesTests.starts("0 0 31 * *", after: "2025-12-31T12:00:00Z", count: 8) == [
                "2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z",
                "2026-08-31T00:00:00Z", "2026-10-31T00:00:00Z", "2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z",
            ])
        }

        @Test func february29thOnlyInLeapYears() throws {
            #expect(try SchedulesTests.starts("0 0 29 2 *", after: "2025-01-01T00:00:00Z", count: 2)
                == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"])
            // 2100 is not a leap year (divisible by 100, not by 400); 2000 was.
            #expect(try SchedulesTests.starts("0 0 29 2 *", after: "2096-03-01T00:00:00Z", count: 1) == ["2104-02-29T00:00:00Z"])
            #expect(try SchedulesTests.starts("0 0 29 2 *", after: "1999-01-01T00:00:00Z", count: 1) == ["2000-02-29T00:00:00Z"])
        }

        @Test func lastDayOfTheMonth() throws {
            #expect(try SchedulesTests.starts("0 3 L * *", after: "2026-01-01T00:00:00Z", count: 4) == [
                "2026-01-31T03:00:00Z", "2026-02-28T03:00:00Z", "2026-03-31T03:00:00Z", "2026-04-30T03:00:00Z",
            ])
            #expect(try SchedulesTests.starts("0 3 L 2 *", after: "2027-03-01T00:00:00Z", count: 2)
                == ["2028-02-29T03:00:00Z", "2029-02-28T03:00:00Z"])
            #expect(try SchedulesTests.starts("0 3 15,L 4 *", after: "2026-01-01T00:00:00Z", count: 2)
                == ["2026-04-15T03:00:00Z", "2026-04-30T03:00:00Z"])
        }

        @Test func restrictedDayOfMonthAndDayOfWeekMatchEither() throws {
            // April 2026: Fridays are the 3rd, 10th, 17th, 24th; the 13th is a Monday.
            #expect(try SchedulesTests.starts("0 0 13 * FRI", after: "2026-04-01T00:00:00Z", count: 5) == [
                "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z", "2026-04-24T00:00:00Z",
            ])
            // A field starting with `*` is unrestricted for this rule (Vixie): both must hold,
            // so odd days that are Mondays.
            #expect(try SchedulesTests.starts("0 0 */2 * MON", after: "2026-04-01T00:00:00Z", count: 2)
                == ["2026-04-13T00:00:00Z", "2026-04-27T00:00:00Z"])
            // Only day-of-week restricted: just the weekday; 0, 7 and SUN are one day.
            for sunday in ["0", "7", "sun", "SUN"] {
                #expect(try SchedulesTests.starts("0 0 * * \(sunday)", after: "2026-04-01T00:00:00Z", count: 2)
                    == ["2026-04-05T00:00:00Z", "2026-04-12T00:00:00Z"])
            }
        }

        @Test func timesWithinADay() throws {
            // Wednesday 2026-04-01, then Thursday.
            #expect(try SchedulesTests.starts("10-50/20 9 * * mon-fri", after: "2026-04-01T00:00:00Z", count: 4) == [
                "2026-04-01T09:10:00Z", "2026-04-01T09:30:00Z", "2026-04-01T09:50:00Z", "2026-04-02T09:10:00Z",
            ])
            #expect(try SchedulesTests.starts("0 0 1 jan,Jul *", after: "2026-01-01T00:00:00Z", count: 2)
                == ["2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"], "strictly after: the instant itself is not next")
            let quarterHours = try ScheduleOccurrences(ScheduleExpression.parse("*/15 * * * *"), in: SchedulesTests.zone("UTC"))
            let halfSecondBefore = try SchedulesTests.utc("2026-04-01T00:14:59Z").addingTimeInterval(0.5)
            #expect(quarterHours.next(2, after: halfSecondBefore).map { SchedulesTests.iso($0.start) }
                == ["2026-04-01T00:15:00Z", "2026-04-01T00:30:00Z"])
            #expect(quarterHours.next(0, after: halfSecondBefore).isEmpty)
        }
    }
}
