import ArgumentParser
import Foundation
import WardenCore
import WardenSSHTransport

/// `warden resume RUN`: continue a run whose controller died.
struct ResumeCommand: AsyncParsableCommand {
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

    @Option(name: [.short, .customLong("inventory")], help: "The inventory YAML file.")
    var inventory: String

    @Option(name: [.short, .customLong("param")], help: "Override a journaled parameter, as name=value.")
    var params: [String] = []

    @Option(name: .customLong("params"), help: "A YAML file of parameter values (secrets).")
    var paramsFile: String?

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

    @Flag(help: "Record the key of a host missing from its known_hosts file instead of refusing it.")
    var acceptNewHostKeys = false

    @OptionGroup var state: StateOptions

    @OptionGroup var engine: EngineOptions

    @OptionGroup var signing: SigningOptions

    func run() async throws {
        let journal = try await state.open()
        guard let found = try await journal.run(run) else {
            throw InvalidInput(description: "no run '\(run)' in \(journal.path); `warden runs` lists them")
        }
        guard found.status == .running else {
            throw InvalidInput(description: "run \(run) already ended (\(found.status)); nothing to resume")
        }
        let lock = RunLock(name: "", runID: run, holder: found.initiator, controller: found.controller)
        guard lock.controllerIsGone else {
            throw InvalidInput(description: "run \(run) is still controlled by \(found.controller); resume only a run whose controller died")
        }
        let plan = found.plan.flatMap { try? JSONDecoder().decode(Plan.self, from: Data($0.utf8)) }
        let context = try RunbookInputs.load(runbook: found.file, params: params, paramsFile: paramsFile, inventory: inventory,
                                             limit: limit ?? plan?.limit) { book in
            ParameterBinding.restored(from: found.parameters, runbook: book)
        }
        guard context.runbook.name == found.runbook else {
            throw InvalidInput(description: "\(found.file) is now runbook '\(context.runbook.name)', but run \(run) ran '\(found.runbook)'")
        }
        // The run goes on with the runbook it started with, or not at all: an edited file could
        // otherwise send a command nobody planned or approved.
        if let recorded = plan?.sourcesDigest {
            let now = Planner.sourcesDigest(of: context.runbook)
            guard now == recorded else {
                let files = context.runbook.sources.map(\.path).joined(separator: ", ")
                throw InvalidInput(description: """
                    the runbook changed since run \(run) started (\(files): \(now), started with \(recorded)); \
                    a resume carries on only with the files the run was planned and approved with: put them back as they were, \
                    or end this run with its cleanup and start a new one
                    """)
            }
        } else {
            Terminal.writeError("warden: run \(run) was started by an older Warden that did not record its runbook's digest; its commands are still checked against the approved plan\n")
        }
        let gated = context.runbook.hasApprovalGate
        // Only the targets are resolved so far: nothing has reached a host.
        let limitNote = try resumedLimit(journaled: plan?.limit, gated: gated)
        if gated, !params.isEmpty {
            throw InvalidInput(description: "run \(run) has an approval gate: its parameters are the ones the approvers saw and cannot be changed on resume (-p); start a new run to use other values")
        }
        let policy = try ApprovalPolicy.forCommand()
        let signer = try signing.signer(policy: policy)
        let secretsNote = try checkSecrets(plan: plan, context: context, gated: gated)
        var resume = ResumeState.rebuild(from: try await journal.events(of: run), context: context)
        if abandon { resume.abandon() }
        let transport = SSHTransport(concurrency: engine.concurrency, acceptNewHostKeys: acceptNewHostKeys)
        // A change no verify can settle needs the operator's word: ask for it before waiting on a
        // command still running, which could take the step's whole timeout for nothing.
        let unverifiable = resume.mutatingUnknowns.filter { unknown in
            context.runbook.allSteps.first { $0.id == unknown.step }?.verify == nil
        }
        if assume == nil, !unverifiable.isEmpty {
            await transport.close()
            throw needsTheOperatorsWord(unverifiable)
        }
        // A change still running on its host is let end (or killed) first: verify must judge a
        // finished change, and nothing may run beside it.
        let settled: [String]
        do {
            settled = try await resume.settleLeftovers(policy: leftovers == .kill ? .kill : .wait, context: context, transport: transport) { line in
                Terminal.writeError(VisibleText.line("leftover: \(line)") + "\n")
            }
        } catch {
            await transport.close()
            throw InvalidInput(description: error.description)
        }
        // Changes that say how to check them are checked on their hosts first.
        let verified = await resume.verifyUnknowns(context: context, transport: transport)
        for line in verified { Terminal.writeError("verify: \(line)\n") }
        let unknown = resume.mutatingUnknowns
        if !unknown.isEmpty {
            guard let assume else {
                await transport.close()
                throw needsTheOperatorsWord(unknown)
            }
            resume.assume(done: assume == .done)
        }
        let interactive = Terminal.stderrIsInteractive && isatty(STDIN_FILENO) == 1
        if !yes {
            guard interactive else {
                await transport.close()
                throw InvalidInput(description: "not on a terminal, so the resume cannot be confirmed: pass --yes")
            }
            Terminal.writeError(abandon
                ? VisibleText.line("Abandon run \(run), running only its pending cleanup (\(cleanupNote(resume, context)))?") + " Type 'yes' to proceed: "
                : "Resume run \(run) (\(resume.finishedSteps.count) steps done)? Type 'yes' to proceed: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                Terminal.write("Not resumed: nothing was changed.\n")
                throw ExitStatus.failure
            }
        }
        let controller = OperatingSystemUser.controller
        try await journal.adopt(run: run, controller: controller)
        let assumed = unknown.isEmpty ? "" : "; assumed \(assume?.rawValue ?? "") for " + unknown.map { "\($0.step)@\($0.host)" }.joined(separator: ", ")
        let checks = (settled + verified).isEmpty ? "" : "; " + (settled + verified).joined(separator: "; ")
        let secrets = secretsNote.map { "; \($0)" } ?? ""
        let limited = limitNote.map { "; \($0)" } ?? ""
        let what = abandon ? "abandoned (only pending cleanup runs: \(cleanupNote(resume, context)))" : "resumed"
        _ = try await journal.append(.init(runID: run, kind: .note,
                                           detail: "\(what) by \(OperatingSystemUser.name) on \(controller)\(assumed)\(checks)\(secrets)\(limited)"))
        if let signer {
            do {
                try await signer.checkpoint(run, phase: .resumed, in: journal)
            } catch {
                await transport.close()
                throw InvalidInput(description: "\(error); the resume was journaled but nothing ran: resume again with a key that signs")
            }
        }

        let locking = plan.flatMap { RunLocking(plan: $0, context: context, journal: journal, runID: run, transport: transport) }
        try await locking?.take()
        try await JournaledExecution(
            context: context, transport: transport, journal: journal, runID: run, planHash: found.planHash,
            initiator: found.initiator, plan: plan, resume: resume,
            artifacts: (state.resolved as NSString).appendingPathComponent("artifacts/\(run)"), engine: engine, confirm: nil, locking: locking,
            policy: policy, signer: signer
        ).execute(interrupts: InterruptHandler(onFirst: {}))
    }

    /// The cleanup steps an abandoned run still runs, for the prompt and the journal.
    private func cleanupNote(_ resume: ResumeState, _ context: EngineContext) -> String {
        let pending = resume.pendingCleanup(of: context.runbook)
        return pending.isEmpty ? "none pending" : pending.joined(separator: ", ")
    }

    /// The refusal of a resume with unknown changes and no --assume.
    private func needsTheOperatorsWord(_ unknown: [ResumeState.Unknown]) -> InvalidInput {
        let list = unknown.map { "  step '\($0.step)' on \($0.host): $ \($0.command ?? "?")" }.joined(separator: "\n")
        return InvalidInput(description: """
            run \(run) stopped while these changes were under way; the journal cannot tell whether they took effect:
            \(list)
            Check the hosts, then resume with --assume done (do not run them again) or --assume not-done (run them again).
            """)
    }

    /// The run goes on with the limit it was planned (and approved) with: a
    /// --limit that differs is refused for a gated run, whose approvers saw
    /// those hosts; without a gate it is used, and the note returned is journaled.
    private func resumedLimit(journaled: String?, gated: Bool) throws -> String? {
        guard let limit, limit != journaled else { return nil }
        let was = journaled.map { "--limit '\($0)'" } ?? "no --limit"
        guard !gated else {
            throw InvalidInput(description: """
                run \(run) has an approval gate and was started with \(was): its approvers approved those hosts, so a resume \
                cannot use --limit '\(limit)'; resume without --limit (the journaled one is used), or end this run and start a new one
                """)
        }
        Terminal.writeError("warden: run \(run) was started with \(was); resuming with --limit '\(limit)' (the run has no approval gate)\n")
        return "--limit '\(limit)' instead of \(was)"
    }

    /// Refuses secrets other than the ones a gated run started with (its
    /// approvers' plan hash covers their digests), or that cannot be checked;
    /// without a gate, as with -p, other values may be given: the warning
    /// returned is journaled.
    private func checkSecrets(plan: Plan?, context: EngineContext, gated: Bool) throws -> String? {
        guard let plan else { return nil }
        let problem: String
        switch ResumeSecretCheck(plan: plan, context: context, state: state.resolved).verdict {
        case .same:
            return nil
        case .notRecorded:
            Terminal.writeError("warden: run \(run) was started by an older Warden that did not bind its secrets into the plan; the secrets given cannot be checked against the ones it started with\n")
            return nil
        case let .unchecked(reason):
            problem = "the secrets given cannot be checked against the ones run \(run) started with: \(reason)"
        case let .differ(names):
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            problem = "secret\(names.count == 1 ? "" : "s") \(list) \(names.count == 1 ? "is" : "are") not the value run \(run) started with "
                + "(the digest of the value given differs from the one in its plan)"
        }
        guard !gated else {
            throw InvalidInput(description: """
                \(problem); run \(run) has an approval gate, and its approvers approved the plan made with the secrets it started with: \
                give those (--params or WARDEN_PARAM_<NAME>), or end this run with its cleanup and start a new one
                """)
        }
        Terminal.writeError("warden: \(problem); resuming with them (the run has no approval gate)\n")
        return problem
    }
}
