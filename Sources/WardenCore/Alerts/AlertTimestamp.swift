import Foundation

/// An RFC 3339 time as Alertmanager writes it (`2026-12-03T02:10:00.123456789Z`),
/// kept to the nanosecond so that two deliveries of the same occurrence give the
/// same key (a `Date` is a Double and would round the nanoseconds).
///
/// Go's zero time (`0001-01-01T00:00:00Z`, the `endsAt` of an alert with no end)
/// is a valid timestamp here; `isZero` tells it.
public struct AlertTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    public let seconds: Int64
    public let nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public init(_ date: Date) {
        let whole = date.timeIntervalSince1970.rounded(.down)
        seconds = Int64(whole)
        nanoseconds = Int32(((date.timeIntervalSince1970 - whole) * 1e9).rounded(.down))
    }

    /// Go's zero `time.Time`, which Alertmanager sends as the `endsAt` of an alert with no end.
    public var isZero: Bool { seconds == -62_135_596_800 && nanoseconds == 0 }

    public var date: Date { Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9) }

    /// Canonical UTC form, nanoseconds only when there are any: what keys are built from.
    public var description: String {
        let days = Int64((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = seconds - days * 86_400
        let date = CivilDate(dayNumber: Int(days))
        var text = String(format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", Int64(date.year), Int64(date.month), Int64(date.day), secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
        if nanoseconds != 0 { text += String(format: ".%09d", nanoseconds) }
        return text + "Z"
    }

    public static func < (lhs: AlertTimestamp, rhs: AlertTimestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Parses RFC 3339 (`T` or `t`, `Z` or a `±hh:mm` offset, 0–9 fractional digits);
    /// nil for anything else, including out-of-range fields (month 13, hour 24).
    public static func parse(_ text: String) -> AlertTimestamp? {
        let bytes = Array(text.utf8)
        // The longest valid form: 19 + "." + 9 digits + "+hh:mm".
        guard bytes.count >= 20, bytes.count <= 35 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), bytes[4] == 0x2D, let month = number(5..<7), bytes[7] == 0x2D, let day = number(8..<10),
              bytes[10] == 0x54 || bytes[10] == 0x74, let hour = number(11..<13), bytes[13] == 0x3A, let minute = number(14..<16),
              bytes[16] == 0x3A, let second = number(17..<19) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: Int(month), year: Int(year)), hour < 24, minute < 60, second < 60 else { return nil }
        var index = 19
        var nanos: Int64 = 0
        if bytes[index] == 0x2E {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            let digits = index - start
            guard digits >= 1, digits <= 9, let fraction = number(start..<index) else { return nil }
            nanos = fraction
            for _ in digits..<9 { nanos *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offset: Int64 = 0
        switch bytes[index] {
        case 0x5A, 0x7A:
            guard index + 1 == bytes.count else { return nil }
        case 0x2B, 0x2D:
            guard index + 6 == bytes.count, let hours = number(index + 1..<index + 3), bytes[index + 3] == 0x3A,
                  let minutes = number(index + 4..<index + 6), hours < 24, minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == 0x2B ? 1 : -1)
        default:
            return nil
        }
        let total = Int64(CivilDate(year: Int(year), month: Int(month), day: Int(day)).dayNumber) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return AlertTimestamp(seconds: total, nanoseconds: Int32(nanos))
    }
}
