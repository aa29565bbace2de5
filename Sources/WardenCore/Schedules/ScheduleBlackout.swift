import Foundation

/// A stretch of local days when no occurrence starts (a change freeze, a sale
/// day), `from` and `to` inclusive, in the zone of the schedule it is applied
/// to: a global blackout written once covers each schedule's own calendar.
public struct ScheduleBlackout: Sendable, Hashable {
    public var name: String
    /// First and last local day, as days since 1970-01-01.
    public var firstDay: Int
    public var lastDay: Int
    public var reason: String?

    public init(name: String, firstDay: Int, lastDay: Int, reason: String? = nil) {
        self.name = name
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.reason = reason
    }

    /// Whether `instant` falls on one of its days in `zone`.
    public func covers(_ instant: Date, in zone: TimeZone) -> Bool {
        let day = ZoneWallClock(timeZone: zone).dayNumber(of: instant)
        return day >= firstDay && day <= lastDay
    }

    /// `YYYY-MM-DD` of a day number.
    static func text(ofDay day: Int) -> String {
        let date = CivilDate(dayNumber: day)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day))"
    }

    /// The day number of `YYYY-MM-DD`; nil when it is not a real date.
    static func day(of text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        return CivilDate(year: year, month: month, day: day).dayNumber
    }

    public var description: String {
        "\(name) (\(Self.text(ofDay: firstDay)) to \(Self.text(ofDay: lastDay))\(reason.map { ": \($0)" } ?? ""))"
    }
}
