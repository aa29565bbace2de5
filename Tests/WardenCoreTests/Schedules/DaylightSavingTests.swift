import Foundation
import Testing
@testable import WardenCore

extension SchedulesTests {
    /// Issue 17's DST rules: a local time inside a spring-forward gap fires at the
    /// first instant after the gap, once; a time a fall-back repeats fires on the
    /// first of the two, once. Transitions in 2026: Europe/Berlin 03-29 01:00Z
    /// (02:00 -> 03:00) and 10-25 01:00Z (03:00 -> 02:00); America/New_York 03-08
    /// 07:00Z (02:00 -> 03:00) and 11-01 06:00Z (02:00 -> 01:00).
    @Suite("Daylight saving time")
    struct DaylightSavingTests {
        typealias T = SchedulesTests

        /// A start with its flags, compact for comparing lists.
        static func marked(_ occurrence: ScheduleOccurrence) -> String {
            T.iso(occurrence.start) + (occurrence.shiftedByGap ? " gap" : "") + (occurrence.ambiguous ? " twice" : "")
        }

        static func marked(_ expression: String, in zone: String, from: String, to: String) throws -> [String] {
            try T.occurrences(expression, in: zone, from: from, to: to).map { Self.marked($0) }
        }

        // MARK: Europe/Berlin

        @Test func berlinSpringForwardMovesATimeInTheGapToItsEnd() throws {
            #expect(try Self.marked("30 2 * * *", in: "Europe/Berlin", from: "2026-03-27T12:00:00Z", to: "2026-03-31T00:00:00Z") == [
                "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z gap", "2026-03-30T00:30:00Z",
            ])
            #expect(try Self.marked("0 2 * * *", in: "Europe/Berlin", from: "2026-03-28T23:00:00Z", to: "2026-03-29T22:00:00Z")
                == ["2026-03-29T01:00:00Z gap"], "exactly one instant on the spring-forward day")
        }

        @Test func berlinSpringForwardHourlyHasTwentyThreeDistinctHours() throws {
            let day = try Self.marked("0 * * * *", in: "Europe/Berlin", from: "2026-03-28T22:59:00Z", to: "2026-03-29T22:00:00Z")
            #expect(day.count == 23)
            #expect(day[0] == "2026-03-28T23:00:00Z")
            #expect(day[1] == "2026-03-29T00:00:00Z")
            // 02:00 does not exist and 03:00 is the same instant: one occurrence.
            #expect(day[2] == "2026-03-29T01:00:00Z gap")
            #expect(day[3] == "2026-03-29T02:00:00Z")
        }

        @Test func berlinSpringForwardQuarterHoursCollapseAtTheGap() throws {
            #expect(try Self.marked("*/15 1-3 * * *", in: "Europe/Berlin", from: "2026-03-28T22:00:00Z", to: "2026-03-29T22:00:00Z") == [
                "2026-03-29T00:00:00Z", "2026-03-29T00:15:00Z", "2026-03-29T00:30:00Z", "2026-03-29T00:45:00Z",
                "2026-03-29T01:00:00Z gap", "2026-03-29T01:15:00Z", "2026-03-29T01:30:00Z", "2026-03-29T01:45:00Z",
            ])
        }

        @Test func berlinFallBackFiresTheFirstOfTheRepeatedTimes() throws {
            #expect(try Self.marked("30 2 * * *", in: "Europe/Berlin", from: "2026-10-23T12:00:00Z", to: "2026-10-27T00:00:00Z") == [
                "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z twice", "2026-10-26T01:30:00Z",
            ])
            let hourly = try Self.marked("0 * * * *", in: "Europe/Berlin", from: "2026-10-24T21:59:00Z", to: "2026-10-25T23:00:00Z")
            #expect(hourly.count == 24, "a 25-hour day, but 02:00 fires once")
            #expect(Array(hourly[1...3]) == ["2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z twice", "2026-10-25T02:00:00Z"])
            #expect(try Self.marked("*/15 1-3 * * *", in: "Europe/Berlin", from: "2026-10-24T22:00:00Z", to: "2026-10-25T23:00:00Z") == [
                "2026-10-24T23:00:00Z", "2026-10-24T23:15:00Z", "2026-10-24T23:30:00Z", "2026-10-24T23:45:00Z",
                "2026-10-25T00:00:00Z twice", "2026-10-25T00:15:00Z twice", "2026-10-25T00:30:00Z twice", "2026-10-25T00:45:00Z twice",
                "2026-10-25T02:00:00Z", "2026-10-25T02:15:00Z", "2026-10-25T02:30:00Z", "2026-10-25T02:45:00Z",
            ])
        }

        @Test func everyQuarterHourAcrossFallBackHasNoDuplicates() throws {
            let starts = try T.occurrences("*/15 * * * *", in: "Europe/Berlin", from: "2026-10-24T21:59:00Z", to: "2026-10-25T23:00:00Z")
                .map(\.start)
            #expect(starts.count == 96, "one per local quarter hour, the repeated hour once")
            #expect(zip(starts, starts.dropFirst()).allSatisfy { $0 < $1 }, "strictly ascending")
            #expect(try !starts.contains(T.utc("2026-10-25T01:00:00Z")), "the second 02:00 does not fire")
        }

        @Test func aWholeYearOfNightlyWindowsInBerlinIs365() throws {
            // Local 2026-01-01 00:00 to 2027-01-01 00:00 (CET both ends).
            let year = try T.occurrences("0 2 * * *", in: "Europe/Berlin", from: "2025-12-31T23:00:00Z", to: "2026-12-31T23:00:00Z")
            #expect(year.count == 365)
            #expect(year.filter(\.shiftedByGap).map { T.iso($0.start) } == ["2026-03-29T01:00:00Z"])
            #expect(year.filter(\.ambiguous).map { T.iso($0.start) } == ["2026-10-25T00:00:00Z"])
        }

        @Test func anInstantAtTheGapIsNotNextAgain() throws {
            let berlin = try ScheduleOccurrences(ScheduleExpression.parse("30 2 * * *"), in: T.zone("Europe/Berlin"))
            let next = try #require(berlin.next(after: T.utc("2026-03-29T00:59:59Z")))
            #expect(Self.marked(next) == "2026-03-29T01:00:00Z gap")
            #expect(berlin.next(after: next.start).map { T.iso($0.start) } == "2026-03-30T00:30:00Z")
        }

        // MARK: America/New_York

        @Test func newYorkSpringForward() throws {
            #expect(try Self.marked("30 2 * * *", in: "America/New_York", from: "2026-03-06T12:00:00Z", to: "2026-03-10T00:00:00Z") == [
                "2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z gap", "2026-03-09T06:30:00Z",
            ])
            let hourly = try Self.marked("0 * * * *", in: "America/New_York", from: "2026-03-08T04:59:00Z", to: "2026-03-09T04:00:00Z")
            #expect(hourly.count == 23)
            #expect(Array(hourly[1...3]) == ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z gap", "2026-03-08T08:00:00Z"])
            #expect(try Self.marked("*/15 1-3 * * *", in: "America/New_York", from: "2026-03-08T05:00:00Z", to: "2026-03-09T04:00:00Z") == [
                "2026-03-08T06:00:00Z", "2026-03-08T06:15:00Z", "2026-03-08T06:30:00Z", "2026-03-08T06:45:00Z",
                "2026-03-08T07:00:00Z gap", "2026-03-08T07:15:00Z", "2026-03-08T07:30:00Z", "2026-03-08T07:45:00Z",
            ])
        }

        @Test func newYorkFallBackRepeatsOneAmNotTwo() throws {
            #expect(try Self.marked("30 2 * * *", in: "America/New_York", from: "2026-10-31T12:00:00Z", to: "2026-11-02T12:00:00Z")
                == ["2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z"], "02:30 happens once there")
            #expect(try Self.marked("30 1 * * *", in: "America/New_York", from: "2026-10-31T12:00:00Z", to: "2026-11-02T12:00:00Z")
                == ["2026-11-01T05:30:00Z twice", "2026-11-02T06:30:00Z"])
            let hourly = try Self.marked("0 * * * *", in: "America/New_York", from: "2026-11-01T03:59:00Z", to: "2026-11-02T05:00:00Z")
            #expect(hourly.count == 24)
            #expect(Array(hourly[0...2]) == ["2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z twice", "2026-11-01T07:00:00Z"])
            #expect(try Self.marked("*/15 1-3 * * *", in: "America/New_York", from: "2026-11-01T04:00:00Z", to: "2026-11-02T04:00:00Z") == [
                "2026-11-01T05:00:00Z twice", "2026-11-01T05:15:00Z twice", "2026-11-01T05:30:00Z twice", "2026-11-01T05:45:00Z twice",
                "2026-11-01T07:00:00Z", "2026-11-01T07:15:00Z", "2026-11-01T07:30:00Z", "2026-11-01T07:45:00Z",
                "2026-11-01T08:00:00Z", "2026-11-01T08:15:00Z", "2026-11-01T08:30:00Z", "2026-11-01T08:45:00Z",
            ])
        }

        // MARK: Asia/Shanghai (UTC+8, no DST)

        @Test func shanghaiHasNoShiftsOnTheseDays() throws {
            // Each local day D runs from (D-1)T16:00Z; the pairs are (UTC day before, D).
            for (before, day) in [("03-28", "03-29"), ("10-24", "10-25"), ("03-07", "03-08"), ("10-31", "11-01")] {
                let from = "2026-\(before)T15:59:00Z"
                let to = "2026-\(day)T16:00:00Z"
                #expect(try Self.marked("30 2 * * *", in: "Asia/Shanghai", from: from, to: to) == ["2026-\(before)T18:30:00Z"])
                let hourly = try T.occurrences("0 * * * *", in: "Asia/Shanghai", from: from, to: to)
                #expect(hourly.count == 24 && hourly.allSatisfy { !$0.shiftedByGap && !$0.ambiguous })
                let quarters = try Self.marked("*/15 1-3 * * *", in: "Asia/Shanghai", from: from, to: to)
                #expect(quarters.count == 12 && quarters.first == "2026-\(before)T17:00:00Z" && quarters.last == "2026-\(before)T19:45:00Z")
            }
        }

        // MARK: Unusual zones

        @Test func halfHourShiftsOnLordHowe() throws {
            // 2026-10-04 02:00 +10:30 -> 02:30 +11:00; 2026-04-05 02:00 +11:00 -> 01:30 +10:30.
            #expect(try Self.marked("*/15 2 4 10 *", in: "Australia/Lord_Howe", from: "2026-10-03T14:00:00Z", to: "2026-10-04T00:00:00Z")
                == ["2026-10-03T15:30:00Z gap", "2026-10-03T15:45:00Z"])
            #expect(try Self.marked("*/15 1-2 5 4 *", in: "Australia/Lord_Howe", from: "2026-04-04T13:00:00Z", to: "2026-04-05T00:00:00Z") == [
                "2026-04-04T14:00:00Z", "2026-04-04T14:15:00Z", "2026-04-04T14:30:00Z twice", "2026-04-04T14:45:00Z twice",
                "2026-04-04T15:30:00Z", "2026-04-04T15:45:00Z", "2026-04-04T16:00:00Z", "2026-04-04T16:15:00Z",
            ])
        }

        @Test func aMissingMidnightInSantiagoFiresAtOneAm() throws {
            // Chile springs forward at 24:00 on 2026-09-05: midnight of the 6th does not exist.
            #expect(try Self.marked("0 23,0 * * *", in: "America/Santiago", from: "2026-09-05T12:00:00Z", to: "2026-09-07T12:00:00Z") == [
                "2026-09-06T03:00:00Z", "2026-09-06T04:00:00Z gap", "2026-09-07T02:00:00Z", "2026-09-07T03:00:00Z",
            ])
        }

        @Test func rruleFollowsTheSameRules() throws {
            #expect(try Self.marked("FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30", in: "Europe/Berlin", from: "2026-03-20T00:00:00Z", to: "2026-04-06T00:00:00Z")
                == ["2026-03-22T01:30:00Z", "2026-03-29T01:00:00Z gap", "2026-04-05T00:30:00Z"])
            #expect(try Self.marked("FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=2;BYMINUTE=30", in: "Europe/Berlin", from: "2026-09-01T00:00:00Z", to: "2026-11-01T00:00:00Z")
                == ["2026-09-27T00:30:00Z", "2026-10-25T00:30:00Z twice"])
        }
    }
}
