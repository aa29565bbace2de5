import ArgumentParser
import Foundation
import WardenCore

/// `warden runs`: the runs in the journal, newest first.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the journaled runs, newest first.")

    @OptionGroup var state: StateOptions

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() async throws {
        let journal = try await state.open()
        let runs = try await journal.runs().map(ListedRun.init)
        switch output {
        case .text: Terminal.write(JournalText.runs(runs))
        case .json: Terminal.writeJSON(try JournalText.json(runs) + "\n")
        }
    }
}

/// `warden show RUN`: one run, step by step and host by host.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: who started it, its plan, and every step's outcome per host (secrets redacted).")

    @Argument(help: "The run id (see `warden runs`).")
    var run: String

    @OptionGroup var state: StateOptions

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(help: "Show what this step's command printed (stdout and stderr) on each host.")
    var step: String?

    @Option(help: "With --step: only this host.")
    var host: String?

    @Flag(help: "With --step: every line, not the first \(StepOutputText.lineLimit) of each stream.")
    var full = false

    func validate() throws {
        if step == nil, host != nil || full { throw ValidationError("--host and --full go with --step ID") }
    }

    func run() async throws {
        let journal = try await state.open()
        guard let found = try await journal.run(run) else {
            throw InvalidInput(description: "no run '\(run)' in \(journal.path); `warden runs` lists them")
        }
        let events = try await journal.events(of: run)
        let broken = try await journal.verify(run: run)
        if let step {
            try showOutput(of: step, events: events, brokenAt: broken)
            return
        }
        switch output {
        case .text: Terminal.write(JournalText.show(found, events: events, brokenAt: broken))
        case .json: Terminal.writeJSON(try JournalText.json(JournalText.Shown(run: found, events: events, chainBrokenAt: broken)) + "\n")
        }
    }
}

extension ShowCommand {
    private func showOutput(of step: String, events: [JournalEvent], brokenAt broken: Int?) throws {
        let entries = StepOutputText.entries(events, step: step, host: host)
        guard !entries.isEmpty else {
            let steps = StepOutputText.steps(events)
            let known = steps.isEmpty ? "no step of this run has journaled output" : "steps with output: " + steps.joined(separator: ", ")
            throw InvalidInput(description: VisibleText.line("no output of step '\(step)'" + (host.map { " on \($0)" } ?? "")
                                                             + " in run \(run); \(known)"))
        }
        if let broken {
            Terminal.writeError(VisibleText.line("warden: the journal of \(run) is TAMPERED: its hash chain breaks at event \(broken)") + "\n")
        }
        switch output {
        case .text: Terminal.write(StepOutputText(runID: run, entries: entries, full: full).text)
        case .json: Terminal.writeJSON(try JournalText.json(entries) + "\n")
        }
    }
}

/// `warden log RUN`: the run's journal as lines, optionally following it live.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print a run's journal, one line per event; --follow keeps printing until the run ends.")

    @Argument(help: "The run id (see `warden runs`).")
    var run: String

    @OptionGroup var state: StateOptions

    @Flag(help: "Keep printing new events until the run ends.")
    var follow = false

    func run() async throws {
        let journal = try await state.open()
        guard try await journal.run(run) != nil else {
            throw InvalidInput(description: "no run '\(run)' in \(journal.path); `warden runs` lists them")
        }
        var printed = 0
        while true {
            let events = try await journal.events(of: run)
            for event in events.dropFirst(printed) { Terminal.write(JournalLine.line(event) + "\n") }
            printed = events.count
            let status = try await journal.run(run)?.status ?? .running
            guard follow, status == .running else {
                if follow { Terminal.write("run \(status)\n") }
                return
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
