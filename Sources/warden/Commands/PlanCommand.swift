import ArgumentParser
import Foundation
import WardenCore
import WardenSSHTransport

/// `warden plan`: the dry run that tells the truth.
struct PlanCommand: AsyncParsableCommand, EngineCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show exactly what a run would do, evaluated on the hosts' real state, without changing anything.",
        discussion: """
            Resolves targets, renders every command per host, runs the read-only probes and checks \
            for real (unless --offline) while the hosts are still as the run would find them, and \
            evaluates guards and conditions on that data. Mutating commands never run.
            Each mutating step is shown per host as will-run, skipped (and why) or unknown (and the \
            step it depends on). The plan hash at the end covers the runbook, parameters, hosts and \
            commands: approvals bind to it. Secret values enter it as digests keyed by a key of \
            yours in the state folder (--state), so plan with the state folder the run will use.
            Exit status: 0 the run would proceed; 1 a check fails or a host cannot be reached; \
            2 invalid input; 3 a guard fails now (the run would be blocked).
            """
    )

    @OptionGroup var inputs: RunbookInputs

    @Flag(help: "Run nothing on any host; show what is known without data.")
    var offline = false

    @OptionGroup var state: StateOptions

    @OptionGroup var engine: EngineOptions

    private var concurrency: Int { engine.concurrency }
    private var output: OutputFormat { engine.output }

    func run() async throws {
        let context = try inputs.load()
        let secretKey = try state.secretKey(for: context.runbook)
        let transport = offline ? nil : SSHTransport(concurrency: concurrency, acceptNewHostKeys: inputs.inventoryOptions.acceptNewHostKeys)
        let work = Task { await Planner.plan(context: context, transport: transport, concurrency: concurrency, secretKey: secretKey) }
        let interrupts = InterruptHandler { work.cancel() }
        let plan = await work.value
        interrupts.cancel()
        await transport?.close()
        switch output {
        case .text: Terminal.write(PlanText(plan: plan).text)
        case .json: Terminal.writeJSON(try PlanText.json(plan) + "\n")
        }
        switch plan.verdict {
        case .proceeds: return
        case .blocked: throw ExitStatus.blocked
        case .fails: throw ExitStatus.failure
        }
    }
}
