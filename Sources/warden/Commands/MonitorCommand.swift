import ArgumentParser
import Foundation
import WardenCore
import WardenSSHTransport

/// `warden monitor`: the monitor rules of a rules file, from a terminal.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Judge a rules file's monitor rules from a terminal.",
        subcommands: [Check.self])

    /// `warden monitor check FILE -i INV`: one sample, every rule's value and verdict.
    struct Check: AsyncParsableCommand, EngineCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Take a rules file's probes once and print every monitor rule's value and verdict.",
            discussion: """
                Runs the probes the rules read (read-only commands, each once), then judges each rule on \
                that one sample: a rule without a window fires or is clear; a windowed rule (for, minutes, \
                decreased, increased) whose condition holds now is pending, since one sample cannot show \
                it held long or often enough (warden serve's monitors keep the history that can).
                Exit status: 0 no rule fires and every rule could be judged; 1 a rule fires, or a probe \
                failed so a rule could not be judged; 2 invalid input.
                """)

        @OptionGroup var inputs: RunbookInputs

        @OptionGroup var engine: EngineOptions

        func run() async throws {
            let loaded: RunInputs.Loaded
            do {
                loaded = try RunInputs(runbook: inputs.runbook, inventory: inputs.inventoryOptions.inventory, pairs: inputs.parameters.pairs,
                                       paramsFile: inputs.parameters.file, limit: inputs.limit).loadMonitor()
            } catch {
                throw InvalidInput(description: error.description)
            }
            for warning in loaded.warnings { Terminal.writeError(VisibleText.line(warning.description) + "\n") }
            let context = loaded.context
            let transport = SSHTransport(concurrency: engine.concurrency, acceptNewHostKeys: inputs.inventoryOptions.acceptNewHostKeys)
            let sampler = MonitorSampler(context: context)
            let work = Task { await sampler.sample(transport: transport, at: Date(), concurrency: engine.concurrency) }
            let interrupts = InterruptHandler { work.cancel() }
            let sample = await work.value
            interrupts.cancel()
            await transport.close()
            let report = MonitorCheckReport(file: inputs.runbook, context: context, sample: sample)
            switch engine.output {
            case .text: Terminal.write(report.text)
            case .json: Terminal.writeJSON(try JSONText.encode(report) + "\n")
            }
            if report.rules.contains(where: { $0.verdict == "firing" || $0.verdict == "unknown" }) { throw ExitStatus.failure }
        }
    }
}
