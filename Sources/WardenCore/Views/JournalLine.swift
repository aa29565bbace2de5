import Foundation

/// What one journal event says, on one line, as `warden show` prints it after
/// the event's number, time and kind, and as the web UI's run page shows it
/// beside them: step, host, status, exit code, then the command (with the
/// intent) or the detail, or, for an outcome, its reason. Made visible
/// (`VisibleText.line`): the journal holds what hosts printed.
public enum JournalLine {
    /// The whole line: number, time (ISO 8601, UTC), kind, then `text`; `warden show` prints it and
    /// the web UI's journal download holds it.
    public static func line(_ event: JournalEvent) -> String {
        let what = text(event)
        let time = Date(timeIntervalSince1970: event.at).formatted(.iso8601)
        return VisibleText.line(["\(event.sequence)", time, event.kind.rawValue].joined(separator: "  ") + (what.isEmpty ? "" : "  " + what))
    }

    public static func text(_ event: JournalEvent) -> String {
        var parts: [String] = []
        if let step = event.step { parts.append(step) }
        if let host = event.host { parts.append(host) }
        if let status = event.status { parts.append(status.rawValue) }
        if let exit = event.exit { parts.append("exit \(exit)") }
        var text = parts.joined(separator: "  ")
        // The command is shown with the intent; the outcome only says how it went.
        if let command = event.command, event.kind != .outcome { text += "  $ " + command.replacingOccurrences(of: "\n", with: " ") }
        if let detail = event.detail, event.kind != .outcome { text += "  " + detail }
        if event.kind == .outcome, case let .string(reason)? = event.detailObject["reason"] { text += "  (" + reason + ")" }
        return VisibleText.line(text.hasPrefix("  ") ? String(text.dropFirst(2)) : text)
    }
}
