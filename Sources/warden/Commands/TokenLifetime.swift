import ArgumentParser
import WardenCore

/// `--expires` of `warden token add`: a duration as runbooks write them
/// (`DurationText`: 36h, 90m), with days in front, which token lifetimes
/// are counted in and `DurationText` does not have (90d, 1d12h).
enum TokenLifetime {
    /// A hundred years: beyond it a lifetime is a typo, and seconds stay far from overflowing.
    static let maximumDays = 36_500

    /// The lifetime in seconds; more than zero. Bad text is a usage error (exit 2).
    static func seconds(_ text: String) throws -> Double {
        var days = 0
        var rest = Substring(text)
        if let marker = text.firstIndex(of: "d") {
            let digits = text[..<marker]
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits), count <= maximumDays else {
                throw ValidationError("--expires \(text): days are written as a whole number before 'd' (90d, 1d12h), at most \(maximumDays)")
            }
            days = count
            rest = text[text.index(after: marker)...]
        }
        if !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw ValidationError("--expires \(text): add a unit: d, h, m or s (90d, 36h)")
        }
        var seconds = Double(days) * 86_400
        if !rest.isEmpty {
            let duration = try parseDuration(String(rest), option: "--expires")
            let (whole, fraction) = duration.components
            seconds += Double(whole) + Double(fraction) / 1e18
        }
        guard seconds > 0 else {
            throw ValidationError("--expires \(text): a token must be valid for some time; give a lifetime such as 90d, or leave --expires out")
        }
        return seconds
    }
}
