/// Durations as people write them in inventories and runbooks: "500ms",
/// "10s", "2m", "1h", "1h30m", "1.5s"; parsed into Swift `Duration` and
/// formatted back into the same short text.
///
/// Units go from largest to smallest, each at most once, so that "1h30m" is
/// accepted and "30m1h" or "10s10s" are flagged as the likely mistakes they are.
public enum DurationText {
    private struct Unit {
        let symbol: String
        let nanoseconds: Int64
    }

    // Largest first: the order a duration must be written in.
    private static let units: [Unit] = [
        Unit(symbol: "h", nanoseconds: 3_600_000_000_000),
        Unit(symbol: "m", nanoseconds: 60_000_000_000),
        Unit(symbol: "s", nanoseconds: 1_000_000_000),
        Unit(symbol: "ms", nanoseconds: 1_000_000),
    ]

    private static let example = "like '500ms', '10s' or '1h30m'"

    /// Parses duration text. Throws a `LocatedError` without a location (the
    /// caller knows where the text came from and adds it) for empty text,
    /// negative durations, missing or unknown units, units out of order,
    /// more precision than a nanosecond, and durations too large to hold.
    public static func parse(_ text: String) throws(LocatedError) -> Duration {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else {
            throw LocatedError("empty duration; expected a number with a unit (ms, s, m, h), \(example)")
        }
        if trimmed.hasPrefix("-") {
            throw LocatedError("duration '\(text)' is negative; durations must be zero or more")
        }
        let scalars = Array(trimmed.unicodeScalars)
        var position = 0
        var total: Int64 = 0
        var lastUnitIndex = -1
        while position < scalars.count {
            let wholeDigits = digits(in: scalars, from: &position)
            var fractionDigits: [Unicode.Scalar] = []
            if position < scalars.count, scalars[position] == "." {
                position += 1
                fractionDigits = digits(in: scalars, from: &position)
                guard !fractionDigits.isEmpty else { throw invalid(text) }
            }
            guard !wholeDigits.isEmpty else { throw invalid(text) }
            let unitStart = position
            while position < scalars.count, scalars[position].properties.isAlphabetic {
                position += 1
            }
            let symbol = String(String.UnicodeScalarView(scalars[unitStart..<position]))
            guard !symbol.isEmpty else {
                throw LocatedError("duration '\(text)' has no unit; add one of ms, s, m, h, \(example)")
            }
            guard let unitIndex = units.firstIndex(where: { $0.symbol == symbol }) else {
                throw LocatedError("duration '\(text)' has unknown unit '\(symbol)'; use ms, s, m or h")
            }
            guard unitIndex > lastUnitIndex else {
                throw LocatedError(
                    "duration '\(text)' repeats or reorders units; write them largest first, each once (h, m, s, ms)")
            }
            lastUnitIndex = unitIndex
            let amount = try nanoseconds(
                whole: wholeDigits, fraction: fractionDigits, unit: units[unitIndex], text: text)
            let (sum, overflow) = total.addingReportingOverflow(amount)
            guard !overflow else { throw tooLarge(text) }
            total = sum
        }
        return .nanoseconds(total)
    }

    /// The short text for a duration: largest units first, seconds with a
    /// decimal fraction when needed ("1.5s"), milliseconds alone below a
    /// second ("500ms"), "0s" for zero. `parse(format(d)) == d` for every
    /// duration `parse` can produce.
    public static func format(_ duration: Duration) -> String {
        if duration < .zero {
            return "-" + format(.zero - duration)
        }
        let (seconds, attoseconds) = duration.components
        let nanoseconds = attoseconds / 1_000_000_000
        let hours = seconds / 3600
        let minutes = seconds % 3600 / 60
        let wholeSeconds = seconds % 60
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if wholeSeconds > 0 {
            text += "\(wholeSeconds)\(fraction(nanoseconds, digits: 9))s"
        } else if nanoseconds > 0 {
            let milliseconds = nanoseconds / 1_000_000
            text += "\(milliseconds)\(fraction(nanoseconds % 1_000_000, digits: 6))ms"
        }
        return text.isEmpty ? "0s" : text
    }

    /// ".5" for 500_000_000 of 9 digits; "" for zero.
    private static func fraction(_ value: Int64, digits: Int) -> String {
        guard value > 0 else { return "" }
        var text = String(value)
        text = String(repeating: "0", count: max(0, digits - text.count)) + text
        while text.hasSuffix("0") { text.removeLast() }
        return "." + text
    }

    private static func digits(in scalars: [Unicode.Scalar], from position: inout Int) -> [Unicode.Scalar] {
        let start = position
        while position < scalars.count, ("0"..."9").contains(scalars[position]) {
            position += 1
        }
        return Array(scalars[start..<position])
    }

    private static func nanoseconds(
        whole: [Unicode.Scalar], fraction: [Unicode.Scalar], unit: Unit, text: String
    ) throws(LocatedError) -> Int64 {
        guard let wholeValue = Int64(String(String.UnicodeScalarView(whole))) else { throw tooLarge(text) }
        let (wholeNanos, overflow) = wholeValue.multipliedReportingOverflow(by: unit.nanoseconds)
        guard !overflow else { throw tooLarge(text) }
        guard !fraction.isEmpty else { return wholeNanos }
        guard fraction.count <= 9, let fractionValue = Int64(String(String.UnicodeScalarView(fraction))) else {
            throw finerThanNanosecond(text)
        }
        var scale: Int64 = 1
        for _ in fraction { scale *= 10 }
        // fractionValue < scale, so fractionValue * (unit / scale) < unit:
        // no overflow. When the unit is smaller than the scale (ms with more
        // than six decimals), the fraction must divide evenly.
        let fractionNanos: Int64
        if unit.nanoseconds % scale == 0 {
            fractionNanos = fractionValue * (unit.nanoseconds / scale)
        } else {
            let divisor = scale / unit.nanoseconds
            guard fractionValue % divisor == 0 else { throw finerThanNanosecond(text) }
            fractionNanos = fractionValue / divisor
        }
        return wholeNanos + fractionNanos
    }

    private static func invalid(_ text: String) -> LocatedError {
        LocatedError("invalid duration '\(text)'; expected a number with a unit (ms, s, m, h), \(example)")
    }

    private static func tooLarge(_ text: String) -> LocatedError {
        LocatedError("duration '\(text)' is too large")
    }

    private static func finerThanNanosecond(_ text: String) -> LocatedError {
        LocatedError("duration '\(text)' is more precise than a nanosecond")
    }
}

private extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        let start = scalars.firstIndex { !$0.properties.isWhitespace } ?? scalars.endIndex
        let end = scalars.lastIndex { !$0.properties.isWhitespace }.map { scalars.index(after: $0) } ?? start
        return String(scalars[start..<end])
    }
}
