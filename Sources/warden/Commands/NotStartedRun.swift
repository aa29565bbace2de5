import Foundation
import WardenCore

/// A `warden run` that ends before its first step: the plan was blocked or
/// would fail, planning was interrupted, or the operator did not confirm.
/// It is journaled all the same (an operator asking "what ran last night"
/// must see the attempt and why it stopped), with the plan as its plan: the
/// guards' and checks' verdicts and what the probes saw. Its report is
/// printed in the format asked for (`--output json` included: a script reads
/// why nothing ran, not an empty stream), and the exit status is thrown.
struct NotStartedRun {
    let plan: Plan
    let status: RunStatus
    let reason: String
    let context: EngineContext
    let journal: Journal
    let output: OutputFormat
    /// Signs the attempt's end; nil: not signed.
    let signer: CheckpointSigner?

    /// The report a machine reads: how it ended, why, the verdict and the plan that decided it.
    func report(runID: String?) -> RunReport {
        var report = RunReport(runbook: plan.runbook, file: plan.file)
        report.runID = runID ?? ""
        report.planHash = plan.hash
        report.status = status
        report.reason = reason
        report.verdict = plan.verdict
        report.plan = plan
        return report
    }

    /// Journals the attempt, prints the outcome and throws the exit status: 3 when blocked, 1 otherwise.
    func end() async throws -> Never {
        let runID = await record()
        switch output {
        case .text: Terminal.write("Not started: nothing was changed.\n")
        case .json: Terminal.writeJSON((try RunText.json(report(runID: runID))) + "\n")
        }
        throw status == .blocked ? ExitStatus.blocked : ExitStatus.failure
    }

    /// The run's id once journaled; nil (and said on stderr) when the journal refused it,
    /// which must not hide the outcome itself.
    private func record() async -> String? {
        let runID = RunIdentifier.make()
        do {
            try await journal.begin(JournalRun(
                id: runID, runbook: context.runbook.name, file: context.runbook.file, initiator: OperatingSystemUser.name,
                controller: OperatingSystemUser.controller, planHash: plan.hash,
                parameters: context.parameters.journalText(for: context.runbook), plan: try PlanText.json(plan)))
            _ = try await journal.append(.init(runID: runID, kind: .note, detail: "not started: \(reason); nothing was changed"))
            try await journal.finish(run: runID, status: status, reason: reason)
            try await signer?.checkpoint(runID, phase: .finished, in: journal)
        } catch {
            Terminal.writeError(VisibleText.line("warden: could not journal the attempt: \(error)") + "\n")
            return nil
        }
        Terminal.writeError("run \(runID) (\(status.rawValue)) journaled in \(journal.path)\n")
        return runID
    }
}
