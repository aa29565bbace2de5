import Foundation
import WardenCore

/// How pages write times: `datetime` attributes in ISO 8601 UTC, visible text
/// as `2025-06-15 15:00:00 UTC`, and lengths of time the way the CLI says them.
enum WebTime {
    /// `2025-06-15T15:00:00Z`, for `<time datetime>`.
    static func iso(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }

    /// `2025-06-15 15:00:00 UTC`: the ISO form, easier to read without its T and Z.
    static func text(_ seconds: Double) -> String {
        iso(seconds).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    /// `850ms`, `12.3s`, `4m10s`, `2h5m`.
    static func length(_ seconds: Double) -> String {
        let seconds = max(0, seconds)
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        return DurationText.format(.seconds(Int(seconds.rounded())))
    }

    /// The values a template needs for one instant: `iso` and `text`.
    static func values(_ seconds: Double) -> [String: Any] {
        ["iso": iso(seconds), "text": text(seconds)]
    }
}
