import Foundation
import WardenCore

/// A run on a terminal: step progress on standard error (text output only),
/// lifecycle notices as lines an operator can act on, step-mode questions
/// answered from standard input, and the second Ctrl-C pointed at the run
/// once it is journaled. Everything from a runbook, a host or the journal is
/// made visible before it reaches the terminal.
struct TerminalRunDelegate: RunDelegate {
    let progressDisplay: (any RunProgressDisplay)?
    let interrupts: InterruptHandler?
    let journal: Journal

    init(output: OutputFormat, interrupts: InterruptHandler?, journal: Journal) {
        progressDisplay = output == .text ? RunProgress.forStandardError() : nil
        self.interrupts = interrupts
        self.journal = journal
    }

    func progress(_ event: RunEvent) {
        progressDisplay?.handle(event)
    }

    func notice(_ notice: RunNotice) {
        switch notice {
        case let .journaled(runID, path, status):
            Terminal.writeError("run \(runID)\(status.map { " (\($0.rawValue))" } ?? "") journaled in \(path)\n")
            guard status == nil, let interrupts else { return }
            let journal = self.journal
            interrupts.retarget(onFirst: interrupts.currentFirst, onSecond: {
                CleanupInterruption.secondSignal(journal: journal, runID: runID)
            })
        case let .waitingForApproval(runID, _, terms, planHash, message):
            let from = terms.approvers.isEmpty ? "" : " from \(terms.approvers.joined(separator: ", "))"
            let signed = terms.requireSignatures ? " signed" : ""
            // The runbook's message stays on its line: it must not forge the instructions below it.
            Terminal.writeError(VisibleText.line("""
                waiting for \(terms.quorum)\(signed) approval\(terms.quorum == 1 ? "" : "s")\(from) of plan \(planHash) \
                (timeout \(DurationText.format(terms.timeout)))\(message.map { ": \($0)" } ?? "")
                """) + "\nanother operator approves with: warden approve \(runID)" + (terms.requireSignatures ? " --key ~/.ssh/id_ed25519" : "") + "\n")
        case let .approvalCounted(by, count, quorum):
            Terminal.writeError(VisibleText.line("approved by \(by) (\(count) of \(quorum))") + "\n")
        case let .approved(by):
            Terminal.writeError(VisibleText.line("approved by \(by.joined(separator: ", "))") + "\n")
        case let .approvalIgnored(reason):
            Terminal.writeError("warden: " + VisibleText.line(reason) + "\n")
        case let .lockLost(reason):
            Terminal.writeError(VisibleText.line("warden: \(reason); stopping the run (cleanup runs)") + "\n")
        case let .runLost(reason):
            Terminal.writeError(VisibleText.line("warden: this controller lost the run: \(reason)") + "\n")
        case let .stopRequested(asked):
            Terminal.writeError(VisibleText.line("warden: cancelled by \(asked) (through the journal); stopping the run (cleanup runs)") + "\n")
        case let .leftover(line):
            Terminal.writeError(VisibleText.line("leftover: \(line)") + "\n")
        case let .verification(line):
            Terminal.writeError(VisibleText.line("verify: \(line)") + "\n")
        case let .warning(text):
            Terminal.writeError(VisibleText.line("warden: \(text)") + "\n")
        }
    }

    func confirm(_ preview: StepPreview) async -> StepDecision {
        await StepPrompt().ask(StepPrompt.Shown(preview: preview))
    }

    /// Awaits the run `work` carries (the first Ctrl-C cancels it: its cleanup runs), then ends
    /// the progress display and prints the report: what `warden run` and `warden resume` share.
    func follow(_ work: Task<RunReport, any Error>, output: OutputFormat) async throws {
        interrupts?.retarget(onFirst: { work.cancel() })
        let result = await work.result
        progressDisplay?.finish()
        interrupts?.cancel()
        try RunOutcome(report: try result.get(), output: output).end()
    }
}
