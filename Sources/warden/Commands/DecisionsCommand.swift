import ArgumentParser
import Foundation
import WardenCore

/// `warden decisions`: what `warden serve` decided about each Alertmanager
/// delivery, oldest first — the runs it started and, as plainly, why it did
/// not act (throttled, flapping, attached to an open incident, no rule).
struct DecisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "List the alert decisions of warden serve, oldest first: why automation did or did not act.")

    @OptionGroup var state: StateOptions

    @Option(help: "Only decisions at or after this time (RFC 3339, e.g. 2026-12-03T02:00:00Z).")
    var since: String?

    @Option(help: "Only the decisions about this incident (e.g. I3).")
    var incident: String?

    @Option(help: "Only decisions of this kind (start, started, waiting-for-approval, blocked, attached, throttled, flapping, escalated, ...).")
    var kind: String?

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func validate() throws {
        if let since, AlertTimestamp.parse(since) == nil {
            throw ValidationError("--since must be an RFC 3339 time such as 2026-12-03T02:00:00Z, got '\(VisibleText.line(since))'")
        }
        if let kind, !AlertDecision.kinds.contains(kind) {
            throw ValidationError("--kind must be one of \(AlertDecision.kinds.joined(separator: ", ")), got '\(VisibleText.line(kind))'")
        }
    }

    func run() async throws {
        let journal = try await state.open()
        let from = since.flatMap(AlertTimestamp.parse).map(\.date.timeIntervalSince1970)
        let decisions = try await journal.alertDecisions().filter { decision in
            (from.map { decision.at >= $0 } ?? true) && (incident.map { decision.incident == $0 } ?? true) && (kind.map { decision.kind == $0 } ?? true)
        }
        switch output {
        case .json: Terminal.writeJSON(try JournalText.json(decisions) + "\n")
        case .text:
            guard !decisions.isEmpty else {
                Terminal.write("no alert decisions journaled\(since == nil && incident == nil && kind == nil ? " yet" : " that match")\n")
                return
            }
            var lines = ["#      AT                    INCIDENT  DECISION"]
            for decision in decisions {
                lines.append([String(decision.sequence).padding(toLength: 6, withPad: " ", startingAt: 0),
                              JournalText.time(decision.at).padding(toLength: 21, withPad: " ", startingAt: 0),
                              (decision.incident ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0),
                              decision.summary].joined(separator: " "))
            }
            // Summaries hold label values from outside: one line each, whatever they contain.
            Terminal.write(lines.map(VisibleText.line).joined(separator: "\n") + "\n")
        }
    }
}
