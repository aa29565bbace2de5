import Foundation
import WardenCore

/// Journaled runs as operators read them. Each line is made visible
/// (`VisibleText.line`) once built: the journal holds what hosts printed and
/// what parameters said, and neither may drive the terminal or forge a line.
enum JournalText {
    struct Shown: Encodable {
        let run: JournalRun
        let events: [JournalEvent]
        let chainBrokenAt: Int?
    }

    static func time(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    static func runs(_ runs: [ListedRun]) -> String {
        guard !runs.isEmpty else { return "no runs journaled yet\n" }
        // The status column fits the longest status (`failed-checks`, `controller gone`) whole.
        var lines = ["RUN                   STATUS          STARTED               VIA      BY           RUNBOOK"]
        for listed in runs {
            let run = listed.run
            lines.append([run.id.padding(toLength: 21, withPad: " ", startingAt: 0),
                          listed.status.padding(toLength: 15, withPad: " ", startingAt: 0),
                          time(run.startedAt).padding(toLength: 21, withPad: " ", startingAt: 0),
                          // What started it: a terminal, `warden serve`'s API, a schedule or an alert.
                          run.trigger.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
                          run.initiator.padding(toLength: 12, withPad: " ", startingAt: 0),
                          run.runbook].joined(separator: " "))
        }
        // A run nobody controls any more waits for an operator: say what they can do.
        for listed in runs where listed.controllerGone == true {
            lines.append("")
            lines.append("run \(listed.run.id): its controller \(listed.run.controller) is gone; `\(listed.resume ?? "")` continues it, "
                         + "`warden resume \(listed.run.id) -i INVENTORY --abandon` runs only its pending cleanup and marks it abandoned")
        }
        return lines.map(VisibleText.line).joined(separator: "\n") + "\n"
    }

    static func show(_ run: JournalRun, events: [JournalEvent], brokenAt: Int?) -> String {
        var lines = [
            "run \(run.id): \(run.status)" + (run.reason.map { " — \($0)" } ?? ""),
            "  runbook:    \(run.runbook) (\(run.file))",
            "  started:    \(time(run.startedAt)) by \(run.initiator) on \(run.controller)"
                + (run.trigger == .terminal ? "" : " (through \(run.trigger.rawValue))"),
            "  finished:   \(time(run.finishedAt))",
            "  plan:       \(run.planHash)",
        ]
        if let data = run.parameters.data(using: .utf8), let value = try? JSONDecoder().decode(Value.self, from: data),
           case let .map(entries) = value, !entries.isEmpty {
            lines.append("  params:     " + entries.keys.sorted().map { "\($0)=\(entries[$0] ?? .null)" }.joined(separator: ", "))
        }
        lines.append("  journal:    " + (brokenAt.map { "TAMPERED: the hash chain breaks at event \($0)" } ?? "hash chain intact (\(events.count) events)"))
        lines.append("")
        for event in events { lines.append(JournalLine.line(event)) }
        let steps = StepOutputText.steps(events)
        if !steps.isEmpty {
            // The outcomes above say how a command went; what it printed is one command away.
            lines.append("")
            lines.append("What a step printed: warden show \(run.id) --step ID [--host HOST] (steps with output: \(steps.joined(separator: ", ")))")
        }
        return lines.map(VisibleText.line).joined(separator: "\n") + "\n"
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        try JSONText.encode(value)
    }
}
