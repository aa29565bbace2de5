import ArgumentParser
import Foundation
import WardenCore
import WardenSSHTransport

/// `warden resume RUN`: continue a run whose controller died.
struct ResumeCommand: AsyncParsableCommand, EngineCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run whose controller died (kill -9, power loss), from its journal.",
        discussion: """
            Steps that finished are not run again; later steps see their recorded results. A \
            command whose intent was journaled but whose outcome was not is unknown: a read-only \
            one runs again; a mutating one needs your word, --assume done (it took effect: do not \
            run it again) or --assume not-done (run it again). Such a command still running on its \
            host is waited for (--leftovers wait, up to its step's timeout) or killed (--leftovers kill) \
            before anything else runs there. Pending cleanup always runs. With --abandon nothing but that \
            cleanup runs, and the run ends `abandoned` (journaled and audited with who gave it up). \
            Parameters come from the journal; secrets must be given again (--params or WARDEN_PARAM_<NAME>), \
            as they were when the run started if it has an approval gate (their digests are compared).
            Exit status: as warden run; 2 when the run cannot be resumed as asked.
            """
    )

    /// `--leftovers` (LeftoverPolicy, as the command line spells it).
    enum Leftovers: String, ExpressibleByArgument {
        case wait, kill
    }

    enum Assumption: String, ExpressibleByArgument {
        case done = "done"
        case notDone = "not-done"
    }

    @Argument(help: "The run id (see `warden runs`).")
    var run: String

    @OptionGroup var inventoryOptions: InventoryOptions

    /// Journaled values are used unless given again (refused for a run with an approval gate).
    @OptionGroup var parameters: ParameterOptions

    @Option(help: ArgumentHelp("The run's --limit, when it had one (the journaled one is used when not given); another is refused for a run with an approval gate.", valueName: "PATTERN"))
    var limit: String?

    @Option(help: "For unknown mutating commands: done (do not run again) or not-done (run again).")
    var assume: Assumption?

    @Flag(help: "Give the run up, once you have set things right by hand: run only its pending cleanup (the finally steps it reached and had not finished) and mark it abandoned.")
    var abandon = false

    @Option(help: ArgumentHelp("A command the dead controller started that still runs on its host: wait (up to its step's timeout) or kill (its whole process group). Nothing else runs on the host before it is gone.", valueName: "wait|kill"))
    var leftovers: Leftovers = .wait

    @Flag(help: "Resume without asking for confirmation.")
    var yes = false

    @OptionGroup var state: StateOptions

    @OptionGroup var engine: EngineOptions

    @OptionGroup var signing: SigningOptions

    func run() async throws {
        let journal = try await state.open()
        let policy = try ApprovalPolicy.forCommand()
        let signer = try signing.signer(policy: policy)
        let transport = SSHTransport(concurrency: engine.concurrency, acceptNewHostKeys: inventoryOptions.acceptNewHostKeys)
        let interrupts = InterruptHandler(onFirst: {})
        let delegate = TerminalRunDelegate(output: engine.output, interrupts: interrupts, journal: journal)
        let resumption = RunResumption(journal: journal, transport: transport, stateFolder: state.resolved, policy: policy, signer: signer,
                                       delegate: delegate, concurrency: engine.concurrency)
        let request = ResumeRequest(runID: run, inventory: inventoryOptions.inventory, pairs: parameters.pairs, paramsFile: parameters.file, limit: limit,
                                    assume: assume.map { $0 == .done ? .done : .notDone }, abandon: abandon,
                                    leftovers: leftovers == .kill ? .kill : .wait)
        let (yes, run) = (self.yes, self.run)
        let work = Task { () async throws(RunSessionError) -> RunReport in
            try await resumption.resume(request) { question throws(RunSessionError) in
                guard !yes else { return true }
                guard Terminal.stderrIsInteractive, isatty(STDIN_FILENO) == 1 else {
                    throw RunSessionError(.invalidInput, "not on a terminal, so the resume of run \(run) cannot be confirmed: pass --yes")
                }
                Terminal.writeError(VisibleText.line(question) + " Type 'yes' to proceed: ")
                return readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes"
            }
        }
        try await delegate.follow(work, output: engine.output)
    }
}
