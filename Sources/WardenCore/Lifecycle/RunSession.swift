import Foundation

/// One run's whole life, the same for the terminal and the daemon: journal
/// it, sign its start, take its locks, run it (approval gates, watches and
/// windows, cleanup whatever ends it, deadmen), keep its leases, then finish
/// it in the journal, release its locks and sign its end.
///
/// The caller plans first (`Planner.plan`), shows the plan and gets whatever
/// confirmation it needs, then calls `start(plan:)`; a plan that does not
/// proceed is journaled with `recordNotStarted`. Progress, lifecycle notices
/// and step-mode questions reach the caller through its `RunDelegate`.
/// Cancelling the task that awaits `start` stops the run as Ctrl-C does:
/// remote commands are killed and cleanup runs.
public struct RunSession: Sendable {
    public let context: EngineContext
    public let transport: any HostTransport
    public let journal: Journal
    public let identity: RunIdentity
    /// The site's approval policy, which the runbook's gates may only tighten.
    public let policy: ApprovalPolicy
    /// Signs checkpoints of the audit log at the run's start and end; nil: unsigned.
    public let signer: CheckpointSigner?
    public let delegate: any RunDelegate
    /// Hosts worked on at once.
    public var concurrency: Int
    /// Ask the delegate before each step (`--step`).
    public var stepMode: Bool
    /// Why the run was cancelled, when whoever cancels it says (the daemon does); nil: the
    /// engine's own words.
    public var stopReason: StopReason?
    /// How long this controller's hold on the run lasts unless renewed (`RunLease`): the
    /// daemon's `runs: lease:`; another controller may adopt the run once it lapsed.
    public var runLease: Duration = JournalRun.defaultLease
    /// The claimed work item this run starts (a queued API request): journaling the run closes
    /// it in the same write, and is refused if the claim was lost (nothing starts twice).
    public var workClaim: WorkClaim?

    public init(context: EngineContext, transport: any HostTransport, journal: Journal, identity: RunIdentity = .current,
                policy: ApprovalPolicy = ApprovalPolicy(), signer: CheckpointSigner? = nil, delegate: any RunDelegate = SilentRunDelegate(),
                concurrency: Int = 64, stepMode: Bool = false) {
        self.context = context
        self.transport = transport
        self.journal = journal
        self.identity = identity
        self.policy = policy
        self.signer = signer
        self.delegate = delegate
        self.concurrency = concurrency
        self.stepMode = stepMode
    }

    /// Where a run's collected files go unless the caller says: `artifacts/<run>` in the state
    /// folder (for a journal in a database, this controller's own state folder).
    static func defaultArtifacts(of runID: String, journal: Journal) -> String {
        (journal.folder as NSString).appendingPathComponent("artifacts/\(runID)")
    }

    /// Journals a run that ends before its first step (a blocked or failing plan, an
    /// interrupted planning, an operator who did not confirm), with the plan that decided it:
    /// someone asking "what ran last night" must see the attempt and why it stopped. Returns
    /// its report; the run id is empty when the journal refused it (said as a warning).
    public func recordNotStarted(plan: Plan, status: RunStatus, reason: String) async -> RunReport {
        var report = RunReport(runbook: plan.runbook, file: plan.file)
        report.planHash = plan.hash
        report.status = status
        report.reason = reason
        report.verdict = plan.verdict
        report.plan = plan
        let runID: String
        do {
            runID = try await beginRow(plan: plan)
            _ = try await journal.append(.init(runID: runID, kind: .note, detail: "not started: \(reason); nothing was changed"))
            try await journal.finish(run: runID, status: status, reason: reason, at: context.clock.now)
            try await signer?.checkpoint(runID, phase: .finished, in: journal)
        } catch {
            delegate.notice(.warning("could not journal the attempt: \(error)"))
            return report
        }
        report.runID = runID
        delegate.notice(.journaled(runID: runID, path: journal.path, status: status))
        return report
    }

    /// Starts a planned run and carries it to its end, cleanup included; returns its report
    /// (its status says how it ended). Throws, with nothing changed, when it cannot start: the
    /// journal refuses it, its start cannot be signed, or a lock is held elsewhere.
    public func start(plan: Plan, artifacts: String? = nil) async throws(RunSessionError) -> RunReport {
        await carryOn(try await begin(plan: plan, artifacts: artifacts))
    }

    /// A run that is journaled, signed and holds its locks, before its first step: what the
    /// daemon answers a request with (the run id) before the run goes on in the background.
    public struct BegunRun: Sendable {
        public let runID: String
        let plan: Plan
        let artifacts: String
        let locking: RunLocking?
        /// This controller's hold on the run (epoch 1), renewed while it runs.
        let hold: RunLease
    }

    /// The first half of `start`: journal the run, sign its start, take its locks. Throws,
    /// with nothing changed, when it cannot start; `carryOn` does the rest.
    public func begin(plan: Plan, artifacts: String? = nil) async throws(RunSessionError) -> BegunRun {
        let runID: String
        let since = context.clock.instant
        do {
            runID = try await beginRow(plan: plan)
        } catch {
            await transport.close()
            throw RunSessionError(.invalidInput, "\(error); nothing was changed")
        }
        if let signer {
            do {
                try await signer.checkpoint(runID, phase: .started, in: journal)
            } catch {
                await transport.close()
                try? await journal.finish(run: runID, status: .failed, reason: "its start could not be signed: \(error)", at: context.clock.now)
                throw RunSessionError(.invalidInput, "\(error); nothing was changed")
            }
        }
        if let proof = identity.proof {
            // Who asked, and how that was known: the journal answers "who started this?" with the proof, not only a name.
            _ = try? await journal.append(.init(runID: runID, kind: .note, detail: "requested by \(identity.user) (\(proof)) through \(identity.trigger.rawValue)",
                                                at: context.clock.now))
        }
        delegate.notice(.journaled(runID: runID, path: journal.path, status: nil))
        let locking = RunLocking(plan: plan, context: context, journal: journal, runID: runID, transport: transport,
                                 identity: identity, delegate: delegate)
        try await locking?.take()
        let hold = RunLease(fence: RunFence(runID: runID, epoch: 1), journal: journal, lease: runLease, clock: context.clock, since: since)
        return BegunRun(runID: runID, plan: plan, artifacts: artifacts ?? RunSession.defaultArtifacts(of: runID, journal: journal), locking: locking,
                        hold: hold)
    }

    /// The second half of `start`: runs a begun run to its end, cleanup included.
    public func carryOn(_ begun: BegunRun) async -> RunReport {
        await execute(runID: begun.runID, planHash: begun.plan.hash, initiator: identity.user, plan: begun.plan, resume: nil,
                      artifacts: begun.artifacts, locking: begun.locking, hold: begun.hold)
    }

    /// Journals the run's row under a new id. An id is the second and 16 random bits: runs a
    /// daemon starts in the same second can draw the same one, so a taken id is drawn again.
    private func beginRow(plan: Plan) async throws -> String {
        var attempt = 0
        while true {
            let runID = RunIdentifier.make()
            do {
                try await journal.begin(journalRun(runID, plan: plan), lease: runLease, closing: workClaim)
                return runID
            } catch {
                attempt += 1
                guard attempt < 8, (try? await journal.run(runID)) != nil else { throw error }
            }
        }
    }

    /// The run's row as it starts: what approvals bind to and what a resume continues.
    private func journalRun(_ runID: String, plan: Plan) throws -> JournalRun {
        JournalRun(id: runID, runbook: context.runbook.name, file: context.runbook.file, initiator: identity.user,
                   controller: identity.controller, planHash: plan.hash, parameters: context.parameters.journalText(for: context.runbook),
                   startedAt: context.clock.now, plan: try Plan.journalJSON(plan), trigger: identity.trigger,
                   inventory: context.inventory)
    }

    /// Runs to the end (cleanup included) with the gate, the recorder and the lease keeper;
    /// then finishes the run in the journal, releases its locks and signs its end. Shared by a
    /// start and a resume.
    func execute(runID: String, planHash: String, initiator: String, plan: Plan?, resume: ResumeState?, artifacts: String,
                 locking: RunLocking?, hold: RunLease) async -> RunReport {
        let recorder = RunRecorder(journal: journal, runID: runID, redactor: context.redactor, clock: context.clock, fence: hold.fence)
        let gate = ApprovalGate(journal: journal, runID: runID, runbook: context.runbook.name, planHash: planHash, initiator: initiator,
                                allowSelfApproval: context.runbook.allowSelfApproval, policy: policy, delegate: delegate,
                                clock: context.clock)
        let delegate = self.delegate
        // Every command and fetch first asks the hold: a controller that lost the run sends nothing.
        let (context, transport, concurrency) = (self.context, FencedTransport(base: self.transport, lease: hold) as any HostTransport, self.concurrency)
        var confirm: (@Sendable (StepPreview) async -> StepDecision)?
        if stepMode {
            confirm = { @Sendable preview in await delegate.confirm(preview) }
        }
        let work = Task { [confirm] in
            await Runner.run(context: context, transport: transport, concurrency: concurrency, artifacts: artifacts,
                             approvals: { gated, spec in await gate.decide(gated, spec) }, confirm: confirm,
                             recorder: recorder, plan: plan, resume: resume, observer: { delegate.progress($0) })
        }
        let journal = self.journal
        let clock = context.clock
        // A terminal's run has no reason set by whoever started it; a stop asked through the journal gives one.
        let stops = stopReason ?? StopReason()
        // The lock directory is renewed and removed only under the hold, as every command is:
        // a controller paused between a renewal of its hold and one of the directory, whose run
        // was adopted meanwhile, must not touch the adopter's directory when it wakes.
        let locking = locking?.sending(through: transport)
        var renewHost: (@Sendable (RunLock) async -> Bool)?
        if let locking, locking.host != nil {
            renewHost = { @Sendable _ in await locking.renewHost() }
        }
        let keeper = Task { [renewHost] in
            await LockKeeper.keep(journal: journal, runID: runID, lease: locking?.spec.lease ?? RunLock.defaultLease, hold: hold, clock: clock,
                                  renewHost: renewHost, onTrouble: { trouble in
                                      delegate.notice(.warning("run \(runID): cannot renew this controller's hold on the run (\(trouble)); "
                                          + "nothing is sent to its hosts until the journal answers, and another controller adopts the run "
                                          + "if that takes longer than its lease"))
                                  }) { loss in
                switch loss {
                case let .lock(lost):
                    delegate.notice(.lockLost(reason: lost))
                    _ = try? await journal.append(.init(runID: runID, kind: .note, detail: lost + "; stopping the run"), fence: hold.fence)
                case .run:
                    // Nothing is journaled: the run is no longer this controller's to write to.
                    // The delegate is told once the run has stopped.
                    break
                case let .stopRequested(asked):
                    // Noted in the journal already by whoever asked; the run's end says it too.
                    stops.set("cancelled by \(asked)")
                    delegate.notice(.stopRequested(by: asked))
                }
                work.cancel()
            }
        }
        var report = await withTaskCancellationHandler { await work.value } onCancel: { work.cancel() }
        keeper.cancel()
        // Its renewal of the lock directory, if one is under way, ends before the release below.
        await keeper.value
        // Still this controller's? A refused write stopped the runner before the keeper knew.
        _ = try? await hold.renew()
        if let lost = await hold.lost {
            // Taken over: the new controller settles, cleans up and finishes the run. This one
            // neither finishes it nor releases its locks (they moved with it) nor signs its end.
            await transport.close()
            report.status = .aborted
            report.reason = "this controller lost the run: \(lost.description)"
            report.planHash = planHash
            report.runID = runID
            delegate.notice(.runLost(reason: lost.description))
            return report
        }
        if report.status != .succeeded, let why = stops.reason {
            report.reason = why + (report.reason.map { " (\($0))" } ?? "")
        }
        // Released from an unstructured task, as cleanup runs: a cancelled run (Ctrl-C, an API
        // cancel, a daemon stopping) must still remove its lock directory, and in the cancelled
        // task the transport refused the command, leaving the directory to lapse with its lease.
        if let locking { await Task { await locking.release() }.value }
        await transport.close()
        report.planHash = planHash
        report.runID = runID
        // A resume makes no new plan: only a fresh run has a verdict to tell.
        if resume == nil { report.verdict = plan?.verdict }
        do {
            try await journal.finish(run: runID, status: report.status, reason: report.reason, at: context.clock.now, fence: hold.fence)
            for held in try await journal.locks() where held.runID == runID {
                try await journal.release(lock: held.name, run: runID)
            }
        } catch {
            delegate.notice(.warning("\(error)"))
        }
        do {
            try await signer?.checkpoint(runID, phase: .finished, in: journal)
        } catch {
            delegate.notice(.warning("the end of run \(runID) is not signed: \(error); `warden audit verify` will report it"))
        }
        return report
    }

    /// A second interrupt while cleanup runs, answered "give up" by the operator: journaled
    /// before the process exits, so the run is not left looking alive.
    public static func recordCleanupGivenUp(_ runID: String, in journal: Journal) async {
        _ = try? await journal.append(.init(runID: runID, kind: .note, detail: "cleanup given up by the operator (second interrupt)"))
        try? await journal.finish(run: runID, status: .aborted, reason: "interrupted; cleanup given up by the operator")
    }
}
