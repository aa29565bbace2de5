import Foundation
import Testing
@testable import WardenCore

/// The decision layer of scheduled maintenance windows (issue 17), without
/// HTTP, journal or config: cron and RRULE parsing, and their occurrences in
/// a time zone across DST changes. Every instant is fixed; no wall clock.
@Suite("Schedules")
enum SchedulesTests {
    /// An instant from `2026-03-29T01:00:00Z`.
    static func utc(_ text: String) throws -> Date {
        try Date(text, strategy: .iso8601)
    }

    /// An instant as the tests write them, `2026-03-29T01:00:00Z`.
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func zone(_ identifier: String) throws -> TimeZone {
        try #require(TimeZone(identifier: identifier))
    }

    /// The next `count` starts of `expression` in `zone` after `after`, as text.
    static func starts(_ expression: String, in zoneName: String = "UTC", after: String, count: Int) throws -> [String] {
        try occurrences(expression, in: zoneName, after: after, count: count).map { iso($0.start) }
    }

    static func occurrences(_ expression: String, in zoneName: String, after: String, count: Int) throws -> [ScheduleOccurrence] {
        let occurrences = try ScheduleOccurrences(ScheduleExpression.parse(expression), in: zone(zoneName))
        return try occurrences.next(count, after: utc(after))
    }

    /// The occurrences from `from` (exclusive) up to `to` (exclusive).
    static func occurrences(_ expression: String, in zoneName: String, from: String, to: String) throws -> [ScheduleOccurrence] {
        let end = try utc(to)
        // 2000 covers a day of every minute-of-hour step the tests use, with room.
        return try occurrences(expression, in: zoneName, after: from, count: 2000).filter { $0.start < end }
    }

    /// The message a cron line or RRULE is refused with, or nil when it parses.
    static func refusal(_ text: String) -> String? {
        do {
            _ = try ScheduleExpression.parse(text)
            return nil
        } catch {
            return error.description
        }
    }
}
