import Foundation

/// An instant as a person in a zone reads it: `2026-12-04 01:30 +08:00`.
public enum LocalTime {
    public static func text(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let dayNumber = Int((Double(local) / 86_400).rounded(.down))
        let day = CivilDate(dayNumber: dayNumber)
        let minute = (local - dayNumber * 86_400) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset) / 60
        return "\(day.year)-\(two(day.month))-\(two(day.day)) \(two(minute / 60)):\(two(minute % 60)) \(sign)\(two(magnitude / 60)):\(two(magnitude % 60))"
    }
}
