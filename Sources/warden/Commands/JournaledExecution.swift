import Foundation
import WardenCore

/// Carrying out a journaled run, as `warden run` and `warden resume` both do:
/// the approval gate, the journal recorder, live progress, Ctrl-C handling,
/// how the run ended in the journal, its locks released, the report and the
/// exit status.
struct JournaledExecution {
    let context: EngineContext
    let transport: any HostTransport
    let journal: Journal
    let runID: String
    let planHash: String
    let initiator: String
    let plan: Plan?
    let resume: ResumeState?
    let artifacts: String
    let engine: EngineOptions
    let confirm: (@Sendable (StepPreview) async -> StepDecision)?
    let locking: RunLocking?
    /// The site's approval policy (`ApprovalPolicy.site()`), which the runbook's gates may only tighten.
    let policy: ApprovalPolicy

    /// Runs to the end (cleanup included) and throws the exit status for anything but success.
    func execute(interrupts: InterruptHandler) async throws {
        let recorder = RunRecorder(journal: journal, runID: runID, redactor: context.redactor)
        let gate = ApprovalGate(journal: journal, runID: runID, runbook: context.runbook.name, planHash: planHash, initiator: initiator,
                                allowSelfApproval: context.runbook.allowSelfApproval, policy: policy, clock: context.clock)
        let progress = engine.output == .text ? RunProgress.forStandardError() : nil
        let (context, transport, concurrency, artifacts, plan, resume, confirm) =
            (self.context, self.transport, engine.concurrency, self.artifacts, self.plan, self.resume, self.confirm)
        let work = Task {
            await Runner.run(context: context, transport: transport, concurrency: concurrency, artifacts: artifacts,
                             approvals: { gated, spec in await gate.decide(gated, spec) }, confirm: confirm,
                             recorder: recorder, plan: plan, resume: resume, observer: { event in progress?.handle(event) })
        }
        let journal = self.journal, runID = self.runID
        interrupts.retarget(onFirst: { work.cancel() }, onSecond: {
            CleanupInterruption.secondSignal(journal: journal, runID: runID)
        })
        let locking = self.locking
        var renewHost: (@Sendable (RunLock) async -> Bool)?
        if let locking {
            renewHost = { _ in await locking.renewHost() }
        }
        let clock = context.clock
        let keeper = Task { [renewHost] in
            await LockKeeper.keep(journal: journal, runID: runID, lease: locking?.spec.lease ?? RunLock.defaultLease, clock: clock,
                                  renewHost: renewHost) { lost in
                Terminal.writeError("warden: \(lost); stopping the run (cleanup runs)\n")
                _ = try? await journal.append(.init(runID: runID, kind: "note", detail: lost + "; stopping the run"))
                work.cancel()
            }
        }
        var report = await work.value
        progress?.finish()
        keeper.cancel()
        interrupts.cancel()
        await locking?.release()
        await transport.close()
        report.planHash = planHash
        report.runID = runID
        // A resume makes no new plan: only a fresh run has a verdict to tell.
        if resume == nil { report.verdict = plan?.verdict }
        do {
            try await journal.finish(run: runID, status: report.status.rawValue, reason: report.reason)
            for held in try await journal.locks() where held.runID == runID {
                try await journal.release(lock: held.name, run: runID)
            }
        } catch {
            Terminal.writeError("warden: \(error)\n")
        }
        switch engine.output {
        case .text: Terminal.write(RunText(report: report).text)
        case .json: Terminal.writeJSON(try RunText.json(report) + "\n")
        }
        switch report.status {
        case .succeeded: return
        case .blocked: throw ExitStatus.blocked
        case .failed, .aborted, .failedChecks, .denied: throw ExitStatus.failure
        case .abandoned:
            // The operator asked for it: only a cleanup that failed makes it a failure.
            if report.cleanup.contains(where: { $0.status == .failed }) { throw ExitStatus.failure }
        }
    }
}
