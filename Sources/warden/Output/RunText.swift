import Foundation
import WardenCore

/// A finished run as an operator reads it: each step's outcome with the
/// hosts that failed and why, cleanup, and how the run ended.
///
/// Every line is made visible as it is built: one-line ones with
/// `VisibleText.line` (a reason or a step id cannot forge a line), a host's
/// output with `VisibleText.block` line by line (its tabs are its layout).
struct RunText {
    let report: RunReport

    var text: String {
        var lines = ["", VisibleText.line("Run \(report.runID) of '\(report.runbook)' (plan \(report.planHash)):")]
        for step in report.steps { lines += describe(step) }
        if !report.rollback.isEmpty {
            lines.append("Rollback:")
            for step in report.rollback { lines += describe(step) }
        }
        if !report.cleanup.isEmpty {
            lines.append("Cleanup:")
            for step in report.cleanup { lines += describe(step) }
        }
        if !report.deadmen.isEmpty {
            lines.append("Deadmen:")
            for deadman in report.deadmen {
                var line = "  \(deadman.step) on \(deadman.host): \(deadman.status.rawValue.uppercased())"
                if deadman.status.mayStillFire {
                    line += ", reverts on its own at \(JournalText.time(deadman.firesAt))"
                }
                if let detail = deadman.detail { line += " (\(detail))" }
                lines.append(VisibleText.line(line))
            }
        }
        let reason = VisibleText.line(report.reason ?? "")
        switch report.status {
        case .succeeded: lines.append("Run succeeded.")
        case .failed: lines.append("Run FAILED: \(reason); cleanup ran.")
        case .aborted: lines.append("Run ABORTED: \(reason); cleanup ran.")
        case .blocked: lines.append("Run BLOCKED: \(reason); cleanup ran.")
        case .failedChecks: lines.append("Run FAILED its checks: \(reason); nothing was changed.")
        case .denied: lines.append("Run DENIED: \(reason); nothing was changed.")
        case .abandoned: lines.append("Run ABANDONED: \(reason).")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func describe(_ step: StepReport) -> [String] {
        var lines = [VisibleText.line("  \(step.id) [\(step.kind)\(step.mutating ? ", mutating" : "")] \(step.status.rawValue.uppercased()): \(step.summary)")]
        if let batches = step.batches {
            // Which hosts went together, and which batches never started.
            let ran = Set(step.hosts.compactMap(\.batch))
            lines.append(VisibleText.line("      batches: " + batches.enumerated().map { number, hosts in
                "[\(hosts.joined(separator: ", "))]" + (ran.contains(number + 1) ? "" : " (not run)")
            }.joined(separator: " ")))
        }
        // A report step's text, as it was written (terminal controls made visible).
        if let text = step.text {
            lines += text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map { "      | " + VisibleText.block($0) }
        }
        // A check without a parser reports through its output; a failed host's output says why.
        let showsOutput = step.showsOutput
        for host in step.hosts where host.status == .failed || host.status == .notRun || (showsOutput && host.output != nil) {
            lines.append(VisibleText.line("      \(host.host): \(host.status.rawValue)" + (host.reason.map { " (\($0))" } ?? "")))
            if let output = host.output, showsOutput || host.status == .failed {
                lines += output.split(separator: "\n", omittingEmptySubsequences: false).map { "        | " + VisibleText.block($0) }
            }
        }
        return lines
    }

    static func json(_ report: RunReport) throws -> String {
        try JSONText.encode(report)
    }
}
