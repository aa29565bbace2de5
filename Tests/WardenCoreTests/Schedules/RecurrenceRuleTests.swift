import Foundation
import Testing
@testable import WardenCore

extension SchedulesTests {
    @Suite("Recurrence rules")
    struct RecurrenceRuleTests {
        @Test func weeklyOnNamedDays() throws {
            // 2026-04-01 is a Wednesday.
            #expect(try SchedulesTests.starts("FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=2;BYMINUTE=30", after: "2026-04-01T00:00:00Z", count: 4) == [
                "2026-04-01T02:30:00Z", "2026-04-06T02:30:00Z", "2026-04-08T02:30:00Z", "2026-04-13T02:30:00Z",
            ])
        }

        @Test func dailyWithHoursMinutesAndDays() throws {
            #expect(try SchedulesTests.starts("rrule:freq=daily;byhour=4", after: "2026-04-01T00:00:00Z", count: 2)
                == ["2026-04-01T04:00:00Z", "2026-04-02T04:00:00Z"], "RRULE: prefix, any case, BYMINUTE defaults to 0")
            #expect(try SchedulesTests.starts("FREQ=DAILY;BYHOUR=4,1;BYMINUTE=45,15", after: "2026-04-01T00:00:00Z", count: 5) == [
                "2026-04-01T01:15:00Z", "2026-04-01T01:45:00Z", "2026-04-01T04:15:00Z", "2026-04-01T04:45:00Z", "2026-04-02T01:15:00Z",
            ])
            #expect(try SchedulesTests.starts("FREQ=DAILY;BYDAY=SA,SU;BYHOUR=6", after: "2026-04-01T00:00:00Z", count: 3)
                == ["2026-04-04T06:00:00Z", "2026-04-05T06:00:00Z", "2026-04-11T06:00:00Z"])
        }

        @Test func monthlyOrdinalWeekdays() throws {
            // April 2026: first Monday the 6th, last Friday the 24th; May: the 4th and the 29th.
            #expect(try SchedulesTests.starts("FREQ=MONTHLY;BYDAY=1MO,-1FR;BYHOUR=22", after: "2026-04-01T00:00:00Z", count: 4) == [
                "2026-04-06T22:00:00Z", "2026-04-24T22:00:00Z", "2026-05-04T22:00:00Z", "2026-05-29T22:00:00Z",
            ])
            // A month has a fifth Friday only sometimes (2026: January, May, July, October).
            #expect(try SchedulesTests.starts("FREQ=MONTHLY;BYDAY=5FR;BYHOUR=0", after: "2026-01-01T00:00:00Z", count: 4) == [
                "2026-01-30T00:00:00Z", "2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z", "2026-10-30T00:00:00Z",
            ])
            // Without an ordinal, every such weekday of the month.
            #expect(try SchedulesTests.starts("FREQ=MONTHLY;BYDAY=TU;BYHOUR=0", after: "2026-04-01T00:00:00Z", count: 2)
                == ["2026-04-07T00:00:00Z", "2026-04-14T00:00:00Z"])
        }

        @Test func intervalCountsFromAFixedAnchor() throws {
            // 2026-04-01 is day 20544 since 1970-01-01: even, so an INTERVAL=2 day.
            #expect(try SchedulesTests.starts("FREQ=DAILY;INTERVAL=2;BYHOUR=1", after: "2026-03-31T00:00:00Z", count: 3)
                == ["2026-04-01T01:00:00Z", "2026-04-03T01:00:00Z", "2026-04-05T01:00:00Z"])
            // The week of Monday 2026-03-30 is week 2935 since Monday 1969-12-29: odd, so skipped.
            #expect(try SchedulesTests.starts("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=1", after: "2026-03-29T00:00:00Z", count: 2)
                == ["2026-04-06T01:00:00Z", "2026-04-20T01:00:00Z"])
            // April 2026 is month 675 since January 1970, a multiple of 3.
            #expect(try SchedulesTests.starts("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;BYHOUR=6", after: "2026-03-01T00:00:00Z", count: 3)
                == ["2026-04-06T06:00:00Z", "2026-07-06T06:00:00Z", "2026-10-05T06:00:00Z"])
            // Every 7 days from a Thursday anchor is every Thursday.
            #expect(try SchedulesTests.starts("FREQ=DAILY;INTERVAL=7;BYDAY=TH,MO;BYHOUR=1", after: "2026-04-01T00:00:00Z", count: 2)
                == ["2026-04-02T01:00:00Z", "2026-04-09T01:00:00Z"])
            // Asking again later (a restarted daemon) continues the same sequence.
            let fromStart = try SchedulesTests.starts("FREQ=WEEKLY;INTERVAL=3;BYDAY=TH;BYHOUR=1", after: "2026-01-01T00:00:00Z", count: 6)
            let afterRestart = try SchedulesTests.starts("FREQ=WEEKLY;INTERVAL=3;BYDAY=TH;BYHOUR=1", after: "2026-02-20T00:00:00Z", count: 3)
            #expect(Array(fromStart.suffix(3)) == afterRestart)
        }

        @Test func unsupportedAndBadPartsAreRefusedByName() {
            let allowedParts = "(allowed: FREQ INTERVAL BYDAY BYHOUR BYMINUTE)"
            let refusals = [
                "FREQ=DAILY;BYHOUR=1;COUNT=3": "RRULE: COUNT is not supported \(allowedParts)",
                "FREQ=DAILY;BYHOUR=1;UNTIL=20270101T000000Z": "RRULE: UNTIL is not supported \(allowedParts)",
                "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1;BYHOUR=1": "RRULE: BYSETPOS is not supported \(allowedParts)",
                "FREQ=DAILY;BYHOUR=1;BYSECOND=0": "RRULE: BYSECOND is not supported \(allowedParts)",
                "FREQ=DAILY;BYHOUR=1;WKST=SU": "RRULE: WKST is not supported \(allowedParts)",
                "FREQ=YEARLY;BYHOUR=1": "FREQ: 'YEARLY' is not allowed (allowed: DAILY WEEKLY MONTHLY)",
                "FREQ=HOURLY;BYHOUR=1": "FREQ: 'HOURLY' is not allowed (allowed: DAILY WEEKLY MONTHLY)",
                "RRULE:BYHOUR=1": "RRULE: FREQ is required (DAILY, WEEKLY or MONTHLY)",
                "FREQ=DAILY": "RRULE: BYHOUR is required: without a DTSTART there is no time of day to take it from",
                "FREQ=WEEKLY;BYHOUR=1": "RRULE: WEEKLY needs BYDAY (which days)",
                "FREQ=MONTHLY;BYHOUR=1": "RRULE: MONTHLY needs BYDAY (which days)",
                "FREQ=DAILY;BYHOUR=24": "BYHOUR: 24 is out of range 0-23",
                "FREQ=DAILY;BYHOUR=1;BYMINUTE=60": "BYMINUTE: 60 is out of range 0-59",
                "FREQ=DAILY;BYHOUR=1,,2": "BYHOUR: an empty item",
                "FREQ=DAILY;BYHOUR=two": "BYHOUR: 'TWO' is not allowed (allowed: 0-23)",
                "FREQ=DAILY;BYHOUR=1;INTERVAL=0": "INTERVAL: 0 is out of range 1-1000",
                "FREQ=DAILY;BYHOUR=1;INTERVAL=2,3": "INTERVAL: '2,3' is not allowed (allowed: one number 1-1000)",
                "FREQ=WEEKLY;BYDAY=1MO;BYHOUR=1": "BYDAY: '1MO' is not allowed (allowed: MO TU WE TH FR SA SU)",
                "FREQ=WEEKLY;BYDAY=MON;BYHOUR=1": "BYDAY: 'MON' is not allowed (allowed: MO TU WE TH FR SA SU)",
                "FREQ=MONTHLY;BYDAY=6MO;BYHOUR=1": "BYDAY: '6MO' is not allowed (allowed: MO TU WE TH FR SA SU, with an ordinal 1-5 or -1 to -5 before it)",
                "FREQ=DAILY;INTERVAL=14;BYDAY=MO,FR;BYHOUR=1":
                    "INTERVAL: a DAILY rule every 14 days, counted from Thursday 1970-01-01, only lands on Thursdays, and BYDAY names none, so it would never fire (use FREQ=WEEKLY)",
                "FREQ=DAILY;BYHOUR=1;FREQ=WEEKLY": "RRULE: FREQ appears twice",
                "FREQ=DAILY;BYHOUR=1;": "RRULE: '' is not NAME=VALUE",
                "FREQ=DAILY;BYHOUR": "RRULE: 'BYHOUR' is not NAME=VALUE",
            ]
            for (rule, message) in refusals {
                #expect(SchedulesTests.refusal(rule) == message, "\(rule)")
            }
        }

        @Test func theExpressionKindFollowsTheText() throws {
            if case .recurrence = try ScheduleExpression.parse(" FREQ=DAILY;BYHOUR=1") {} else { Issue.record("FREQ= is an RRULE") }
            if case .recurrence = try ScheduleExpression.parse("rrule:FREQ=DAILY;BYHOUR=1") {} else { Issue.record("RRULE: is an RRULE") }
            if case .cron = try ScheduleExpression.parse("@daily") {} else { Issue.record("@daily is cron") }
            #expect(try ScheduleExpression.parse("FREQ=DAILY;BYHOUR=1").description == "FREQ=DAILY;BYHOUR=1")
            #expect(try RecurrenceRule.parse("FREQ=WEEKLY;BYDAY=WE,MO;BYHOUR=1") == RecurrenceRule.parse("FREQ=WEEKLY;BYDAY=WE,MO;BYHOUR=1"))
        }
    }
}
