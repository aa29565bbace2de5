import Foundation

/// The daily time range in which a runbook may make changes
/// (`window: {between: "02:00-05:00", timezone: Asia/Shanghai}`). A range
/// whose end is before its start wraps past midnight (`22:00-02:00`).
///
/// A schedule's occurrence gives its run a window of its own: one interval
/// (`occurrence`), from the occurrence's start for the schedule's duration,
/// which replaces the runbook's daily one. It is an interval of instants, not
/// of wall-clock minutes, so a window across a DST change keeps its length.
public struct MaintenanceWindow: Sendable, Hashable {
    /// Minutes after midnight, in `timeZone`.
    let startMinute: Int
    let endMinute: Int
    public let timeZone: TimeZone
    /// The zone as the runbook names it. Foundation may report another name
    /// for the same zone (`UTC` comes back as `GMT` on Linux), and messages
    /// should say what the operator wrote.
    let timeZoneName: String
    public let location: SourceLocation
    /// The time kept at the end of the window for cleanup: the steps stop
    /// this long before the window closes, so `finally` (back to steady)
    /// still runs inside it.
    let cleanupReserve: Duration
    /// The one interval of a scheduled occurrence; nil for a daily window.
    public private(set) var occurrence: DateInterval?

    public init(startMinute: Int, endMinute: Int, timeZone: TimeZone, timeZoneName: String? = nil, location: SourceLocation,
                cleanupReserve: Duration? = nil) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZone = timeZone
        self.timeZoneName = timeZoneName ?? timeZone.identifier
        self.location = location
        self.cleanupReserve = cleanupReserve ?? MaintenanceWindow.defaultReserve(minutes: (endMinute - startMinute + 24 * 60) % (24 * 60))
    }

    /// A scheduled occurrence's window: open from `interval.start` until `interval.end`, in
    /// `timeZoneName`'s wall clock for messages, keeping `cleanupReserve` (nil: the default for
    /// its length) at the end.
    public static func occurrence(_ interval: DateInterval, timeZone: TimeZone, timeZoneName: String, cleanupReserve: Duration?,
                                  location: SourceLocation) -> MaintenanceWindow {
        func minute(_ date: Date) -> Int {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let parts = calendar.dateComponents([.hour, .minute], from: date)
            return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        }
        var window = MaintenanceWindow(startMinute: minute(interval.start), endMinute: minute(interval.end), timeZone: timeZone,
                                       timeZoneName: timeZoneName, location: location,
                                       cleanupReserve: cleanupReserve ?? defaultReserve(minutes: Int(interval.duration / 60)))
        window.occurrence = interval
        return window
    }

    /// A tenth of the window, at most fifteen minutes.
    static func defaultReserve(minutes: Int) -> Duration {
        .seconds(min(15 * 60, minutes * 6))
    }

    /// The window's length.
    public var length: Duration {
        if let occurrence { return .seconds(occurrence.duration) }
        return .seconds(((endMinute - startMinute + 24 * 60) % (24 * 60)) * 60)
    }

    /// How long the steps may still go on at `date` (the window's remaining
    /// time less the cleanup reserve; zero inside the reserve); nil when closed.
    func workRemaining(at date: Date) -> Duration? {
        remaining(at: date).map { max(.zero, $0 - cleanupReserve) }
    }

    /// `HH:MM-HH:MM` as written.
    public var between: String {
        func text(_ minute: Int) -> String {
            let hours = minute / 60, minutes = minute % 60
            return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
        }
        return "\(text(startMinute))-\(text(endMinute))"
    }

    public var description: String { "\(between) \(timeZoneName)" }

    /// Whether `date` falls inside the window.
    public func contains(_ date: Date) -> Bool {
        remaining(at: date) != nil
    }

    /// How long the window still stays open at `date`; nil when it is closed.
    public func remaining(at date: Date) -> Duration? {
        if let occurrence {
            guard date >= occurrence.start, date < occurrence.end else { return nil }
            return .seconds(occurrence.end.timeIntervalSince(date))
        }
        let minute = minuteOfDay(date)
        let secondsIntoMinute = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        let minutesLeft: Int
        if startMinute < endMinute {
            guard minute >= startMinute, minute < endMinute else { return nil }
            minutesLeft = endMinute - minute
        } else {
            guard minute >= startMinute || minute < endMinute else { return nil }
            minutesLeft = minute >= startMinute ? (24 * 60 - minute) + endMinute : endMinute - minute
        }
        return .seconds(Double(minutesLeft * 60) - secondsIntoMinute)
    }

    /// How long until the window next opens, from `date` (zero when open).
    func untilOpen(at date: Date) -> Duration {
        if contains(date) { return .zero }
        // A past occurrence never opens again: nothing to wait for.
        if let occurrence { return .seconds(max(0, occurrence.start.timeIntervalSince(date))) }
        let minute = minuteOfDay(date)
        let secondsIntoMinute = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        let minutesAhead = (startMinute - minute + 24 * 60) % (24 * 60)
        return .seconds(Double(minutesAhead * 60) - secondsIntoMinute)
    }

    private func minuteOfDay(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }

    /// Parses `HH:MM-HH:MM`; nil when it is not that shape or the times are
    /// out of range, or start equals end (an empty or all-day window is
    /// surely a mistake: leave `window` out instead).
    public static func minutes(of between: String) -> (start: Int, end: Int)? {
        let parts = between.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = minute(parts[0]), let end = minute(parts[1]), start != end else { return nil }
        return (start, end)
    }

    private static func minute(_ text: Substring) -> Int? {
        let pieces = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces[0].count <= 2, pieces[1].count == 2,
              let hours = Int(pieces[0]), let minutes = Int(pieces[1]),
              (0...24).contains(hours), (0...59).contains(minutes), hours * 60 + minutes <= 24 * 60 else { return nil }
        return (hours * 60 + minutes) % (24 * 60)
    }
}
