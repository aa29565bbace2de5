import Foundation
import WardenCore

/// A plan as an operator reads it: inputs, guards, each step with its
/// verdict and the exact command per host, cleanup, and the hash.
///
/// This is what an approver decides on, so every line is made visible
/// (`VisibleText.line`) once built: a parameter, a host's output in a
/// guard's details or a command can neither drive the terminal nor forge a
/// line. Multi-line commands are split into lines first, as their layout.
struct PlanText {
    let plan: Plan

    var text: String {
        lines.map(VisibleText.line).joined(separator: "\n") + "\n"
    }

    private var lines: [String] {
        var lines: [String] = []
        lines.append("Plan for '\(plan.runbook)' (\(plan.file))" + (plan.offline ? " — offline: nothing was run on any host" : ""))
        if !plan.parameters.isEmpty {
            lines.append("  params:  " + plan.parameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", "))
        }
        if let limit = plan.limit { lines.append("  limit:   \(limit) (the targets below are narrowed to it)") }
        for target in plan.targets {
            lines.append("  target:  \(target.name) = \(target.hosts.joined(separator: ", ")) (\(target.hosts.count) host\(target.hosts.count == 1 ? "" : "s"))")
        }
        if let window = plan.window {
            let time = DurationText.format(.seconds(Int(window.seconds.rounded())))
            lines.append("  window:  \(window.between) \(window.timezone): " + (window.openNow ? "open, \(time) left" : "closed now, opens in \(time)"))
        }
        if let lock = plan.lock { lines.append("  lock:    \(lock)") }
        // Redaction masks whatever equals a secret's value: the approver must
        // know when that hid something that is not a secret.
        for mask in plan.secretMasks ?? [] { lines.append("  note:    " + PlanText.note(mask)) }
        if !plan.guards.isEmpty {
            lines.append("")
            lines.append("Guards (checked before the first change and again right before each):")
            for guardResult in plan.guards {
                lines.append("  [\(guardResult.status.rawValue)] \(guardResult.expect)  (\(guardResult.location)\(guardResult.via.map { ", \($0)" } ?? ""))")
                for detail in guardResult.details { lines.append("      \(detail)") }
            }
        }
        if !plan.watches.isEmpty {
            lines.append("")
            lines.append("Watches (abort the run when their condition holds):")
            for watch in plan.watches {
                lines.append("  every \(watch.every): abort if \(watch.abortIf); now: \(watch.now == .holds ? "HOLDS" : watch.now == .fails ? "does not hold" : "unknown")  (\(watch.location)\(watch.via.map { ", \($0)" } ?? ""))")
                for detail in watch.details where watch.now != .fails { lines.append("      \(detail)") }
            }
        }
        lines.append("")
        lines.append("Steps:")
        for step in plan.steps { lines += describe(step) }
        if !plan.cleanup.isEmpty {
            lines.append("")
            lines.append("Cleanup (always runs: success, failure, abort, Ctrl-C, resume):")
            for step in plan.cleanup { lines += describe(step) }
        }
        lines.append("")
        let changes = plan.changes
        switch plan.verdict {
        case .proceeds:
            lines.append("The run would proceed: \(changes) host change\(changes == 1 ? "" : "s") planned.")
        case .blocked:
            lines.append("The run would be BLOCKED: \(plan.verdictReason ?? "")")
        case .fails:
            lines.append("The run would FAIL: \(plan.verdictReason ?? "")")
        }
        lines.append("Plan hash: \(plan.hash)")
        return lines
    }

    private func describe(_ step: PlannedStep) -> [String] {
        let target = step.target.map { " on \($0)" } ?? ""
        var lines = ["  \(step.number). \(step.id) [\(step.kind)\(step.mutating ? ", mutating" : "")\(target)] \(step.status.rawValue.uppercased()): \(step.summary)"]
        if let batches = step.batches, batches.count > 1 {
            lines.append("       batches: " + batches.map { "[\($0.joined(separator: ", "))]" }.joined(separator: " "))
            if let between = step.betweenBatches { lines.append("       between batches: \(between)") }
        }
        for host in step.hosts {
            var line = "       \(host.host): \(host.status.rawValue)"
            if let runAs = host.runAs, host.status != .skipped { line += " as \(runAs)" }
            if let reason = host.reason { line += " (\(reason))" }
            lines.append(line)
            // A skipped host's command is in the JSON; in text it would only be noise.
            if let command = host.command, host.status != .skipped {
                for (index, part) in command.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    lines.append("         \(index == 0 ? "$" : " ") \(part)")
                }
            }
            if let undo = host.undo { lines.append("         undo: \(undo)") }
            if let deadman = host.deadman { lines.append("         deadman: \(deadman)") }
        }
        return lines
    }

    /// One sentence on what a mask hides and why.
    static func note(_ mask: PlanSecretMask) -> String {
        let names = mask.secrets.map { "'\($0)'" }
        let secret = names.count <= 1 ? "secret \(names.first ?? "")"
            : "secrets " + names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        if let parameter = mask.parameter {
            let shown = mask.whole == true
                ? "is shown as \(Redactor.mask) because its value equals the value of \(secret)"
                : "shows \(Redactor.mask) where its value contains the value of \(secret)"
            return "parameter '\(parameter)' \(shown); it is not a secret itself"
        }
        let hosts = (mask.hosts ?? []).joined(separator: ", ")
        return "step '\(mask.step ?? "")' on \(hosts): the command shows \(Redactor.mask) where text that is not a secret parameter equals the value of \(secret)"
    }

    static func json(_ plan: Plan) throws -> String {
        try JSONText.encode(plan)
    }
}
