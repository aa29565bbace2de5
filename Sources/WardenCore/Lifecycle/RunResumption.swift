import Foundation

/// Continuing a run whose controller died, from its journal, for the CLI
/// (`warden resume`) and the daemon alike. It carries on only with what was
/// planned and approved: the same runbook files (by digest), the journaled
/// parameters and limit for a gated run, and the secrets the run started
/// with (by digest). Before anything runs it lets a change still running on
/// its host end (or kills it), checks unknown changes with their `verify`,
/// and needs the person's word (`assume`) for those nothing can check. Then
/// the run is adopted by this controller, signed, locked and run to its end
/// by the same `RunSession` a start uses; pending cleanup always runs.
public struct RunResumption: Sendable {
    public let journal: Journal
    public let transport: any HostTransport
    public let identity: RunIdentity
    public let policy: ApprovalPolicy
    public let signer: CheckpointSigner?
    public let delegate: any RunDelegate
    public var concurrency: Int
    /// The state folder, where the initiator's secret digest key is.
    public let stateFolder: String
    /// Where `WARDEN_PARAM_<NAME>` secrets are read.
    public var environment: [String: String]
    /// The clock the resumed run keeps time by.
    public var clock: any EngineClock
    /// Why the resumed run was cancelled, when whoever cancels it says (see `RunSession.stopReason`).
    public var stopReason: StopReason?
    /// How long this controller's hold on the resumed run lasts unless renewed (`RunLease`).
    public var runLease: Duration = JournalRun.defaultLease
    /// A hold taken before the resume (a daemon's takeover of a run whose lease lapsed,
    /// `Journal.adopt(expecting:)`): the checks on the hosts already run under it, and no
    /// second adoption is journaled. Nil: the resume adopts the run once its checks passed.
    public var hold: RunLease?

    public init(journal: Journal, transport: any HostTransport, stateFolder: String, identity: RunIdentity = .current,
                policy: ApprovalPolicy = ApprovalPolicy(), signer: CheckpointSigner? = nil, delegate: any RunDelegate = SilentRunDelegate(),
                concurrency: Int = 64, environment: [String: String] = ProcessInfo.processInfo.environment,
                clock: any EngineClock = SystemClock()) {
        self.journal = journal
        self.transport = transport
        self.stateFolder = stateFolder
        self.identity = identity
        self.policy = policy
        self.signer = signer
        self.delegate = delegate
        self.concurrency = concurrency
        self.environment = environment
        self.clock = clock
    }

    /// Resumes the run; `confirm` is asked the question once the checks passed (throw to refuse
    /// asking, return false for "no": nothing is changed). Returns the run's report.
    public func resume(_ request: ResumeRequest,
                       confirm: @Sendable (String) async throws(RunSessionError) -> Bool) async throws(RunSessionError) -> RunReport {
        do {
            return try await resuming(request, confirm: confirm)
        } catch {
            await transport.close()
            throw error
        }
    }

    private func resuming(_ request: ResumeRequest,
                          confirm: @Sendable (String) async throws(RunSessionError) -> Bool) async throws(RunSessionError) -> RunReport {
        let run = request.runID
        let found: JournalRun?
        do {
            found = try await journal.run(run)
        } catch {
            throw RunSessionError(.failed, error.description)
        }
        guard let found else {
            throw RunSessionError(.invalidInput, "no run '\(run)' in \(journal.path); `warden runs` lists them")
        }
        guard found.status == .running else {
            throw RunSessionError(.invalidInput, "run \(run) already ended (\(found.status)); nothing to resume")
        }
        let now = (try? await journal.clockReading(fallback: clock.now)) ?? clock.now
        if let controlled = found.stillControlled(at: now, heldWith: hold?.fence) {
            throw RunSessionError(.invalidInput, controlled)
        }
        let plan = found.plan.flatMap { try? JSONDecoder().decode(Plan.self, from: Data($0.utf8)) }
        let journaledParameters = found.parameters
        var inputs = RunInputs(runbook: found.file, inventory: request.inventory, pairs: request.pairs, paramsFile: request.paramsFile,
                               limit: request.limit ?? plan?.limit, environment: environment, clock: clock)
        // A scheduled occurrence's run keeps to its occurrence's window, not the runbook's daily one.
        if let window = plan?.window, let opens = window.opens, let closes = window.closes, closes > opens, let zone = TimeZone(identifier: window.timezone) {
            inputs.window = .occurrence(DateInterval(start: Date(timeIntervalSince1970: opens), end: Date(timeIntervalSince1970: closes)), zone, window.timezone)
        }
        let loaded = try inputs.load { book in ParameterBinding.restored(from: journaledParameters, runbook: book) }
        for warning in loaded.warnings { delegate.notice(.warning(warning.description)) }
        let context = loaded.context
        guard context.runbook.name == found.runbook else {
            throw RunSessionError(.invalidInput, "\(found.file) is now runbook '\(context.runbook.name)', but run \(run) ran '\(found.runbook)'")
        }
        // The run goes on with the runbook it started with, or not at all: an edited file could
        // otherwise send a command nobody planned or approved.
        if let recorded = plan?.sourcesDigest {
            let now = Planner.sourcesDigest(of: context.runbook)
            guard now == recorded else {
                let files = context.runbook.sources.map(\.path).joined(separator: ", ")
                throw RunSessionError(.invalidInput, """
                    the runbook changed since run \(run) started (\(files): \(now), started with \(recorded)); \
                    a resume carries on only with the files the run was planned and approved with: put them back as they were, \
                    or end this run with its cleanup and start a new one
                    """)
            }
        } else {
            delegate.notice(.warning("run \(run) was started by an older Warden that did not record its runbook's digest; its commands are still checked against the approved plan"))
        }
        let gated = context.runbook.hasApprovalGate
        // Only the targets are resolved so far: nothing has reached a host.
        let limitNote = try resumedLimit(request, journaled: plan?.limit, gated: gated)
        if gated, !request.pairs.isEmpty {
            throw RunSessionError(.invalidInput, "run \(run) has an approval gate: its parameters are the ones the approvers saw and cannot be changed on resume (-p); start a new run to use other values")
        }
        let secretsNote = try checkSecrets(run, plan: plan, context: context, gated: gated)
        let events: [JournalEvent]
        do {
            events = try await journal.events(of: run)
        } catch {
            throw RunSessionError(.failed, error.description)
        }
        var resume = ResumeState.rebuild(from: events, context: context)
        if request.abandon { resume.abandon() }
        // A change no verify can settle needs the person's word: ask for it before waiting on a
        // command still running, which could take the step's whole timeout for nothing.
        let unverifiable = resume.mutatingUnknowns.filter { unknown in
            context.runbook.allSteps.first { $0.id == unknown.step }?.verify == nil
        }
        if request.assume == nil, !unverifiable.isEmpty {
            throw needsTheOperatorsWord(run, unverifiable)
        }
        // A change still running on its host is let end (or killed) first: verify must judge a
        // finished change, and nothing may run beside it.
        let settled: [String]
        // Under a hold taken already, even these checks leave only while it holds.
        let checking: any HostTransport = hold.map { FencedTransport(base: transport, lease: $0) } ?? transport
        do {
            let delegate = self.delegate
            settled = try await resume.settleLeftovers(policy: request.leftovers, context: context, transport: checking) { line in
                delegate.notice(.leftover(line))
            }
        } catch {
            throw RunSessionError(.invalidInput, "\(error)")
        }
        // Changes that say how to check them are checked on their hosts first.
        let verified = await resume.verifyUnknowns(context: context, transport: checking)
        for line in verified { delegate.notice(.verification(line)) }
        let unknown = resume.mutatingUnknowns
        if !unknown.isEmpty {
            guard let assume = request.assume else { throw needsTheOperatorsWord(run, unknown) }
            resume.assume(done: assume == .done)
        }
        let pending = cleanupNote(resume, context)
        let question = request.abandon
            ? "Abandon run \(run), running only its pending cleanup (\(pending))?"
            : "Resume run \(run) (\(resume.finishedSteps.count) steps done)?"
        guard try await confirm(question) else {
            throw RunSessionError(.declined, "not resumed: nothing was changed")
        }
        let hold: RunLease
        do {
            if let taken = self.hold {
                hold = taken
            } else {
                let since = clock.instant
                let fence = try await journal.adopt(run: run, controller: identity.controller, lease: runLease, reason: "resumed by \(identity.user)",
                                                    at: clock.now)
                hold = RunLease(fence: fence, journal: journal, lease: runLease, clock: clock, since: since)
            }
            let assumed = unknown.isEmpty ? "" : "; assumed \(request.assume?.rawValue ?? "") for " + unknown.map { "\($0.step)@\($0.host)" }.joined(separator: ", ")
            let checks = (settled + verified).isEmpty ? "" : "; " + (settled + verified).joined(separator: "; ")
            let notes = [secretsNote, limitNote].compactMap { $0 }.map { "; \($0)" }.joined()
            let what = request.abandon ? "abandoned (only pending cleanup runs: \(pending))" : "resumed"
            _ = try await journal.append(.init(runID: run, kind: .note, detail: "\(what) by \(identity.user) on \(identity.controller)\(assumed)\(checks)\(notes)"),
                                         fence: hold.fence)
        } catch {
            throw RunSessionError(.failed, "cannot adopt run \(run): \(error); nothing ran")
        }
        if let signer {
            do {
                try await signer.checkpoint(run, phase: .resumed, in: journal)
            } catch {
                throw RunSessionError(.invalidInput, "\(error); the resume was journaled but nothing ran: resume again with a key that signs")
            }
        }
        var session = RunSession(context: context, transport: transport, journal: journal, identity: identity, policy: policy,
                                 signer: signer, delegate: delegate, concurrency: concurrency)
        session.stopReason = stopReason
        session.runLease = runLease
        let locking = plan.flatMap {
            RunLocking(plan: $0, context: context, journal: journal, runID: run, transport: transport, identity: identity, delegate: delegate)
        }
        try await locking?.take()
        return await session.execute(runID: run, planHash: found.planHash, initiator: found.initiator, plan: plan, resume: resume,
                                     artifacts: RunSession.defaultArtifacts(of: run, journal: journal), locking: locking, hold: hold)
    }

    /// The cleanup steps an abandoned run still runs, for the question and the journal.
    private func cleanupNote(_ resume: ResumeState, _ context: EngineContext) -> String {
        let pending = resume.pendingCleanup(of: context.runbook)
        return pending.isEmpty ? "none pending" : pending.joined(separator: ", ")
    }

    /// The refusal of a resume with unknown changes and no assumption.
    private func needsTheOperatorsWord(_ run: String, _ unknown: [ResumeState.Unknown]) -> RunSessionError {
        let list = unknown.map { "  step '\($0.step)' on \($0.host): $ \($0.command ?? "?")" }.joined(separator: "\n")
        return RunSessionError(.invalidInput, """
            run \(run) stopped while these changes were under way; the journal cannot tell whether they took effect:
            \(list)
            Check the hosts, then resume with --assume done (do not run them again) or --assume not-done (run them again).
            """)
    }

    /// The run goes on with the limit it was planned (and approved) with: a limit that differs
    /// is refused for a gated run, whose approvers saw those hosts; without a gate it is used,
    /// and the note returned is journaled.
    private func resumedLimit(_ request: ResumeRequest, journaled: String?, gated: Bool) throws(RunSessionError) -> String? {
        guard let limit = request.limit, limit != journaled else { return nil }
        let run = request.runID
        let was = journaled.map { "--limit '\($0)'" } ?? "no --limit"
        guard !gated else {
            throw RunSessionError(.invalidInput, """
                run \(run) has an approval gate and was started with \(was): its approvers approved those hosts, so a resume \
                cannot use --limit '\(limit)'; resume without --limit (the journaled one is used), or end this run and start a new one
                """)
        }
        delegate.notice(.warning("run \(run) was started with \(was); resuming with --limit '\(limit)' (the run has no approval gate)"))
        return "--limit '\(limit)' instead of \(was)"
    }

    /// Refuses secrets other than the ones a gated run started with (its approvers' plan hash
    /// covers their digests), or that cannot be checked; without a gate other values may be
    /// given: the warning returned is journaled.
    private func checkSecrets(_ run: String, plan: Plan?, context: EngineContext, gated: Bool) throws(RunSessionError) -> String? {
        guard let plan else { return nil }
        let problem: String
        switch ResumeSecretCheck(plan: plan, context: context, state: stateFolder).verdict {
        case .same:
            return nil
        case .notRecorded:
            delegate.notice(.warning("run \(run) was started by an older Warden that did not bind its secrets into the plan; the secrets given cannot be checked against the ones it started with"))
            return nil
        case let .unchecked(reason):
            problem = "the secrets given cannot be checked against the ones run \(run) started with: \(reason)"
        case let .differ(names):
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            problem = "secret\(names.count == 1 ? "" : "s") \(list) \(names.count == 1 ? "is" : "are") not the value run \(run) started with "
                + "(the digest of the value given differs from the one in its plan)"
        }
        guard !gated else {
            throw RunSessionError(.invalidInput, """
                \(problem); run \(run) has an approval gate, and its approvers approved the plan made with the secrets it started with: \
                give those (--params or WARDEN_PARAM_<NAME>), or end this run with its cleanup and start a new one
                """)
        }
        delegate.notice(.warning("\(problem); resuming with them (the run has no approval gate)"))
        return problem
    }
}
