import Foundation
import WardenCore

/// Times as the web UI's pages show them: UTC ISO 8601 for `<time datetime>`
/// (what a script or a screen reader may read), and the same instant without
/// its `T` and `Z` for people; lengths of time the way the CLI says them.
enum WebTime {
    /// `2025-06-15T15:00:00Z`.
    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    /// `iso` of seconds since 1970.
    static func iso(_ seconds: Double) -> String { iso(Date(timeIntervalSince1970: seconds)) }

    /// `2025-06-15 15:00:00`.
    static func text(_ date: Date) -> String { text(iso: iso(date)) }

    /// `text` of an ISO 8601 UTC time given as text (`2026-12-04T01:30:00Z` → `2026-12-04 01:30:00`), as the views carry occurrences.
    static func text(iso: String) -> String {
        iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    /// `iso` and `text` of seconds since 1970, for a template's `<time datetime="{{iso}}">{{text}}</time>`.
    static func values(_ seconds: Double) -> [String: Any] {
        let date = Date(timeIntervalSince1970: seconds)
        return ["iso": iso(date), "text": text(date)]
    }

    /// Seconds as the pages say a span of time (`1h`, `90m`): `DurationText`, as the config writes them.
    static func span(_ seconds: Double) -> String {
        DurationText.format(.milliseconds(Int64((seconds * 1000).rounded())))
    }

    /// How long something took, to the precision that matters at its size: `850ms`, `12.3s`, `4m10s`.
    static func length(_ seconds: Double) -> String {
        let seconds = max(0, seconds)
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        return DurationText.format(.seconds(Int(seconds.rounded())))
    }
}
