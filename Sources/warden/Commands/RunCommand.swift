import ArgumentParser
import Foundation
import WardenCore
import WardenSSHTransport

/// `warden run`: carry a runbook out, after showing its plan.
struct RunCommand: AsyncParsableCommand, EngineCommand {
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
        let delegate = TerminalRunDelegate(output: output, interrupts: interrupts, journal: journal)
        let session = RunSession(context: context, transport: transport, journal: journal, policy: policy, signer: signer,
                                 delegate: delegate, concurrency: concurrency, stepMode: step)
        guard plan.allowsStart, !interrupts.wasInterrupted else {
            interrupts.cancel()
            await transport.close()
            let reason = interrupts.wasInterrupted ? "interrupted while planning" : plan.verdictReason ?? "the plan \(plan.verdict.rawValue)"
            let status: RunStatus = interrupts.wasInterrupted ? .aborted : plan.notStartedStatus
            try await notStarted(session, plan: plan, status: status, reason: reason)
        }
        // With --step every step is asked about before it runs: that is the
        // confirmation, and asking once more would eat the first step's answer.
        if !yes, !step {
            Terminal.writeError("Run it? Type 'yes' to proceed: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                await transport.close()
                try await notStarted(session, plan: plan, status: .denied, reason: "the operator did not confirm the plan")
            }
        }
        let work = Task { () async throws(RunSessionError) -> RunReport in try await session.start(plan: plan, artifacts: artifacts) }
        try await delegate.follow(work, output: output)
    }

    /// Journals a run that ends before its first step, prints why and throws its exit status.
    private func notStarted(_ session: RunSession, plan: Plan, status: RunStatus, reason: String) async throws -> Never {
        let report = await session.recordNotStarted(plan: plan, status: status, reason: reason)
        switch output {
        case .text: Terminal.write("Not started: nothing was changed.\n")
        case .json: Terminal.writeJSON((try RunText.json(report)) + "\n")
        }
        throw status == .blocked ? ExitStatus.blocked : ExitStatus.failure
    }
}
