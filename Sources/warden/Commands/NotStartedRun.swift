import Foundation
import WardenCore

/// A `warden run` that ends before its first step: the plan was blocked or
/// would fail, planning was interrupted, or the operator did not confirm.
/// Its report is printed in the format asked for (`--output json` included:
/// a script reads why nothing ran, not an empty stream), and the exit status
/// is thrown.
struct NotStartedRun {
    let plan: Plan
    let status: RunStatus
    let reason: String
    let output: OutputFormat

    /// The report a machine reads: how it ended, why, the verdict and the plan that decided it.
    var report: RunReport {
        var report = RunReport(runbook: plan.runbook, file: plan.file)
        report.planHash = plan.hash
        report.status = status
        report.reason = reason
        report.verdict = plan.verdict
        report.plan = plan
        return report
    }

    /// Prints the outcome and throws the exit status: 3 when blocked, 1 otherwise.
    func end() throws -> Never {
        switch output {
        case .text: Terminal.write("Not started: nothing was changed.\n")
        case .json: Terminal.writeJSON((try RunText.json(report)) + "\n")
        }
        throw status == .blocked ? ExitStatus.blocked : ExitStatus.failure
    }
}
