import ArgumentParser
import Foundation
import WardenCore
import WardenSSHTransport

/// `warden run`: carry a runbook out, after showing its plan.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Plan a runbook, show the plan, and carry it out on the hosts.",
        discussion: """
            The plan is made first, on the hosts' real state (see `warden plan`); a run whose plan \
            is blocked or would fail is not started. On a terminal the plan is shown and confirmed \
            before anything changes; elsewhere --yes is required. Guards are re-checked right before \
            every mutating step; cleanup (finally) runs whatever ends the run, Ctrl-C included.
            Exit status: 0 succeeded; 1 failed or aborted (cleanup ran); 2 invalid input; \
            3 blocked (a guard failed before any change, an approval gate was not passed).
            """
    )

    @OptionGroup var inputs: RunbookInputs

    @OptionGroup var state: StateOptions

    @Flag(help: "Run without asking for confirmation (never skips approval gates).")
    var yes = false

    @Flag(help: "Walk the runbook step by step: show each step's commands and ask before it (answers from standard input).")
    var step = false

    @Option(help: "Where collect steps put fetched files (one folder per host).")
    var artifacts: String?

    @OptionGroup var engine: EngineOptions

    @OptionGroup var signing: SigningOptions

    private var concurrency: Int { engine.concurrency }
    private var output: OutputFormat { engine.output }

    func run() async throws {
        let context = try inputs.load()
        let policy = try ApprovalPolicy.forCommand()
        let signer = try signing.signer(policy: policy)
        let journal = try await state.open()
        let secretKey = try state.secretKey(for: context.runbook)
        let interactive = Terminal.stderrIsInteractive && isatty(STDIN_FILENO) == 1
        if !yes, !interactive, !step {
            throw InvalidInput(description: "not on a terminal, so the plan cannot be confirmed: pass --yes to run it unattended")
        }
        let transport = SSHTransport(concurrency: concurrency, acceptNewHostKeys: inputs.inventoryOptions.acceptNewHostKeys)
        let planning = Task { await Planner.plan(context: context, transport: transport, concurrency: concurrency, secretKey: secretKey) }
        let interrupts = InterruptHandler { planning.cancel() }
        let plan = await planning.value
        if output == .text { Terminal.write(PlanText(plan: plan).text) }
        // A read-only runbook changes nothing, so failing checks do not stop it: they are its result.
        let readOnly = !(plan.steps + plan.cleanup).contains(where: \.mutating)
        guard plan.verdict == .proceeds || (plan.verdict == .fails && readOnly), !interrupts.wasInterrupted else {
            interrupts.cancel()
            await transport.close()
            let reason = interrupts.wasInterrupted ? "interrupted while planning" : plan.verdictReason ?? "the plan \(plan.verdict.rawValue)"
            let status: RunStatus = interrupts.wasInterrupted ? .aborted : plan.verdict == .blocked ? .blocked : .failedChecks
            try await NotStartedRun(plan: plan, status: status, reason: reason, context: context, journal: journal, output: output, signer: signer).end()
        }
        // With --step every step is asked about before it runs: that is the
        // confirmation, and asking once more would eat the first step's answer.
        if !yes, !step {
            Terminal.writeError("Run it? Type 'yes' to proceed: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                await transport.close()
                try await NotStartedRun(plan: plan, status: .denied, reason: "the operator did not confirm the plan", context: context,
                                        journal: journal, output: output, signer: signer).end()
            }
        }
        let runID = RunIdentifier.make()
        let folder = artifacts ?? (state.resolved as NSString).appendingPathComponent("artifacts/\(runID)")
        let parameters = context.parameters.journalText(for: context.runbook)
        do {
            try await journal.begin(JournalRun(
                id: runID, runbook: context.runbook.name, file: context.runbook.file, initiator: OperatingSystemUser.name,
                controller: OperatingSystemUser.controller, planHash: plan.hash, parameters: parameters,
                plan: try PlanText.json(plan)))
        } catch {
            await transport.close()
            throw InvalidInput(description: "\(error); nothing was changed")
        }
        if let signer {
            do {
                try await signer.checkpoint(runID, phase: .started, in: journal)
            } catch {
                await transport.close()
                try? await journal.finish(run: runID, status: .failed, reason: "its start could not be signed: \(error)")
                throw InvalidInput(description: "\(error); nothing was changed")
            }
        }
        Terminal.writeError("run \(runID) journaled in \(journal.path)\n")
        let locking = RunLocking(plan: plan, context: context, journal: journal, runID: runID, transport: transport)
        try await locking?.take()
        var confirm: (@Sendable (StepPreview) async -> StepDecision)?
        if step {
            confirm = { @Sendable preview in await StepPrompt().ask(StepPrompt.Shown(preview: preview)) }
        }
        try await JournaledExecution(
            context: context, transport: transport, journal: journal, runID: runID, planHash: plan.hash,
            initiator: OperatingSystemUser.name, plan: plan, resume: nil, artifacts: folder, engine: engine, confirm: confirm, locking: locking,
            policy: policy, signer: signer
        ).execute(interrupts: interrupts)
    }
}
