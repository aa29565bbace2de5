import Foundation
import WardenCore

/// `warden monitor check`'s output: every rule with its value and verdict
/// on one sample, and what ran where. Text from hosts is made visible
/// (control characters escaped) before it reaches the terminal.
struct MonitorCheckReport: Encodable {
    struct Rule: Encodable {
        let name: String
        let severity: String
        /// The condition and its window, as written.
        let condition: String
        let value: Double?
        /// Whether the condition held in this sample; nil when it could not be judged.
        let breach: Bool?
        /// `firing`, `pending`, `clear` or `unknown`.
        let verdict: String
        let detail: String
        let message: String?
        /// Why the sample could not say (a probe that failed, a figure missing).
        let notes: [String]
    }

    let file: String
    let name: String
    let time: String
    let rules: [Rule]
    let runs: [PlanProbeRun]

    init(file: String, context: EngineContext, sample: MonitorSample) {
        self.file = file
        name = context.runbook.name
        time = ISO8601DateFormatter().string(from: sample.time)
        runs = sample.runs
        rules = context.runbook.monitorRules.map { rule in
            let point = sample.points[rule.name]
            // One sample: a windowed rule can be pending at most (the monitor's interval does not matter here).
            let verdict = rule.verdict(over: point.map { [$0] } ?? [], interval: .seconds(60))
            return Rule(name: rule.name, severity: rule.severity.rawValue, condition: rule.conditionText, value: point?.value,
                        breach: point?.breach, verdict: verdict.name, detail: verdict.detail, message: rule.message,
                        notes: sample.notes[rule.name] ?? [])
        }
    }

    var text: String {
        var lines = ["Monitor rules of '\(name)' (\(file)), one sample at \(time):"]
        for run in runs {
            let outcome = run.error.map { "failed: \($0)" } ?? "exit \(run.exit.map(String.init) ?? "?")"
            lines.append(VisibleText.line("  probe \(run.probe) on \(run.host): \(run.command) (\(outcome))"))
        }
        lines.append("")
        let width = rules.map(\.name.count).max() ?? 0
        for rule in rules {
            let padded = rule.name.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append(VisibleText.line("  [\(rule.verdict)] \(padded)  \(rule.severity): \(rule.detail)"))
            lines.append(VisibleText.line("      \(rule.condition)"))
            if rule.verdict == "firing", let message = rule.message { lines.append(VisibleText.line("      \(message)")) }
            for note in rule.notes { lines.append(VisibleText.line("      \(note)")) }
        }
        let firing = rules.filter { $0.verdict == "firing" }.map(\.name)
        let unknown = rules.filter { $0.verdict == "unknown" }.map(\.name)
        let pending = rules.filter { $0.verdict == "pending" }.count
        lines.append("")
        var summary = firing.isEmpty ? "No rule fires" : "FIRING: \(firing.joined(separator: ", "))"
        if !unknown.isEmpty { summary += "; could not judge: \(unknown.joined(separator: ", "))" }
        if pending > 0 { summary += "; \(pending) pending (holds now; its window needs the history warden serve keeps)" }
        lines.append(summary + ".")
        return lines.joined(separator: "\n") + "\n"
    }
}
