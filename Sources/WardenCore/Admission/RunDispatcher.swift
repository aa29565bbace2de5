import Foundation

/// The daemon's runs: plans and starts them through the same `RunSession` the
/// terminal uses, keeps the ones running in this process, cancels them as
/// Ctrl-C would, resumes the ones a dead daemon left, and on shutdown gives
/// them a grace period before cancelling them so their cleanup runs. HTTP
/// handlers, schedules and alert rules all come through here.
///
/// Views never ask the dispatcher how a run is doing: they read the journal,
/// so a restarted daemon, `warden show` and the API all see the same thing.
public actor RunDispatcher {
    /// What the daemon's config decides for every run.
    public struct Settings: Sendable {
        public var stateFolder: String
        public var concurrency: Int
        public var maximumActive: Int
        /// `hostname:pid` of this daemon: the journal's controller of its runs.
        public var controller: String
        public var policy: ApprovalPolicy
        /// Signs each run's checkpoints of the audit log (start, resume, end); nil: unsigned.
        public var signer: CheckpointSigner?
        public var clock: any EngineClock
        /// How long this daemon's hold on each of its runs lasts unless renewed (`RunLease`).
        public var runLease: Duration = JournalRun.defaultLease
        /// How long after a run's lease lapsed this daemon adopts it (the grace before a takeover).
        public var adoptAfter: Duration = .seconds(15)

        public init(stateFolder: String, concurrency: Int = 64, maximumActive: Int = 32, controller: String = OperatingSystemUser.controller,
                    policy: ApprovalPolicy = ApprovalPolicy(), signer: CheckpointSigner? = nil, clock: any EngineClock = SystemClock()) {
            self.stateFolder = stateFolder
            self.concurrency = concurrency
            self.maximumActive = maximumActive
            self.controller = controller
            self.policy = policy
            self.signer = signer
            self.clock = clock
        }
    }

    /// A run this daemon carries, and since when.
    public struct ActiveRun: Sendable {
        public let runID: String
        public let runbook: String
        public let trigger: RunTrigger
        public let startedAt: Date
        let task: Task<RunReport, Never>
        /// Set by whoever cancels it, so its end says who and why.
        let stopReason: StopReason
    }

    public let journal: Journal
    public private(set) var settings: Settings
    private let makeTransport: @Sendable () -> any HostTransport
    private let observer: any DispatcherObserver
    private var active: [String: ActiveRun] = [:]
    /// Starts between their admission and their journaling: they count against the limit.
    private var starting = 0
    private var stopping = false
    /// Runs being resumed here and not yet tracked: a second resume of one (an operator's request
    /// racing the adoption at start) is refused, so nothing it started runs twice.
    private var resuming: Set<String> = []
    /// A drain waiting for the starts and resumes already admitted to be tracked or refused.
    private var admissionWaiters: [CheckedContinuation<Void, Never>] = []

    public init(journal: Journal, settings: Settings, observer: any DispatcherObserver = SilentDispatcherObserver(),
                makeTransport: @escaping @Sendable () -> any HostTransport) {
        self.journal = journal
        self.settings = settings
        self.observer = observer
        self.makeTransport = makeTransport
    }

    /// A transport as runs get one, for the daemon's own read-only work (monitors' probes).
    public nonisolated func readOnlyTransport() -> any HostTransport {
        makeTransport()
    }

    /// A reloaded config's limits, for the runs started from now on (running ones keep theirs).
    public func reconfigure(concurrency: Int, maximumActive: Int) {
        settings.concurrency = concurrency
        settings.maximumActive = maximumActive
    }

    /// A transport like the runs', for work beside them (removing a broken lock's directory); close it after use.
    public func hostTransport() -> any HostTransport { makeTransport() }

    /// The runs this daemon carries now, oldest first.
    public var activeRuns: [ActiveRun] { active.values.sorted { $0.startedAt < $1.startedAt } }

    /// Whether it still takes new runs (false once shutdown began).
    public var isAccepting: Bool { !stopping }

    /// Whether a start now would be admitted by the limit on active runs (and the daemon is not stopping).
    public var hasRoom: Bool { !stopping && active.count + starting < settings.maximumActive }

    // MARK: Planning and starting

    /// The plan the request would run: probes run for real, nothing mutating is sent.
    public func plan(_ request: RunRequest) async throws(AdmissionError) -> Plan {
        let (_, transport, plan) = try await planned(request)
        await transport.close()
        return plan
    }

    /// A fresh plan of the request on a transport of its own, which the caller closes (or runs on).
    private func planned(_ request: RunRequest) async throws(AdmissionError) -> (EngineContext, any HostTransport, Plan) {
        let context = try load(request)
        let secretKey = try secretKey(for: request.runbook)
        let transport = makeTransport()
        let plan = await Planner.plan(context: context, transport: transport, concurrency: settings.concurrency, secretKey: secretKey)
        return (context, transport, plan)
    }

    /// Starts the run if a fresh plan has the hash the caller confirmed and the plan proceeds;
    /// returns once the run is journaled and holds its locks (it goes on in the background).
    /// A plan that changed, is blocked or would fail, a held lock, too many runs, or a daemon
    /// that is stopping: refused, nothing changed (a refused plan is journaled as not started).
    public func start(_ request: RunRequest) async throws(AdmissionError) -> (runID: String, plan: Plan) {
        try acceptsAnotherRun()
        guard let confirmed = request.planHash else {
            throw AdmissionError(.invalidInput, "plan_hash is required: plan first (POST /api/v1/plans) and send the hash of the plan you read")
        }
        return try await startOnFreshPlan(request) { plan in
            plan.hash == confirmed ? nil
                : AdmissionError(.planChanged, "the plan changed since it was read (now \(plan.hash), confirmed \(confirmed)): read the new plan and confirm its hash",
                                 plan: plan)
        }
    }

    /// Starts the run on a fresh plan that `admits` (nil: it may start; else why not), with no
    /// hash confirmed: for starts no person read a plan for, such as an alert rule's
    /// `approval: auto` run, whose probes may well read other figures from one plan to the next
    /// (the restart count of a crash-looping program changes every second). The rest is as
    /// `start(_:)`: a plan that is blocked or would fail, a held lock, too many runs, a daemon
    /// that is stopping are refused, nothing changed. A plan `admits` refuses is a conflict
    /// with its reason, and nothing is journaled.
    public func start(_ request: RunRequest, admitting admits: @Sendable (Plan) async -> String?) async throws(AdmissionError) -> (runID: String, plan: Plan) {
        try acceptsAnotherRun()
        return try await startOnFreshPlan(request) { plan in
            await admits(plan).map { AdmissionError(.conflict, $0, plan: plan) }
        }
    }

    private func acceptsAnotherRun() throws(AdmissionError) {
        guard !stopping else { throw AdmissionError(.stopping, "the daemon is stopping and starts no new runs") }
        guard active.count + starting < settings.maximumActive else {
            throw AdmissionError(.busy, "\(settings.maximumActive) runs are active, the most this daemon carries at once (runs.max_active); try again when one ends")
        }
    }

    /// Plans the request afresh and starts the run on that plan unless `refusal` has an error for it.
    private func startOnFreshPlan(_ request: RunRequest, refusal: (Plan) async -> AdmissionError?) async throws(AdmissionError) -> (runID: String, plan: Plan) {
        starting += 1
        defer {
            starting -= 1
            admissionEnded()
        }
        let (context, transport, plan) = try await planned(request)
        if let refused = await refusal(plan) {
            await transport.close()
            throw refused
        }
        // A plan takes seconds (its probes ask the hosts): a shutdown that began meanwhile starts nothing.
        guard !stopping else {
            await transport.close()
            throw AdmissionError(.stopping, "the daemon began stopping while the run was planned; nothing was started")
        }
        // The audit log names whoever asked as the actor of what the run writes.
        let journal = self.journal.acting(as: request.identity.user)
        var session = RunSession(context: context, transport: transport, journal: journal, identity: request.identity, policy: settings.policy,
                                 signer: settings.signer, delegate: DispatchedRunDelegate(observer: observer), concurrency: settings.concurrency)
        session.runLease = settings.runLease
        session.workClaim = request.workClaim
        guard plan.allowsStart else {
            await transport.close()
            let reason = plan.verdictReason ?? "the plan \(plan.verdict.rawValue)"
            let report = await session.recordNotStarted(plan: plan, status: plan.notStartedStatus, reason: reason)
            throw AdmissionError(.conflict, "not started: \(reason); nothing was changed", plan: plan, runID: report.runID.isEmpty ? nil : report.runID)
        }
        let begun: RunSession.BegunRun
        do {
            begun = try await session.begin(plan: plan)
        } catch {
            throw AdmissionError(error)
        }
        // Before the first step runs: the gates read them as any approver's decision on this plan.
        for ahead in request.approvalsAhead where ahead.planHash == plan.hash {
            let approval = Approval(runID: begun.runID, step: ahead.step, approver: ahead.approver, decision: .approve, comment: ahead.comment,
                                    planHash: ahead.planHash, at: settings.clock.now)
            do {
                try await self.journal.acting(as: ahead.approver).record(approval)
            } catch {
                // The gate then waits for an approver as any gate does; nothing runs unapproved.
                _ = try? await journal.append(.init(runID: begun.runID, kind: .note, step: ahead.step,
                                                    detail: "the approval given ahead by \(ahead.approver) could not be recorded: \(error)"))
            }
        }
        let stopReason = StopReason()
        session.stopReason = stopReason
        track(begun.runID, runbook: request.runbook.name, trigger: request.identity.trigger, stopReason: stopReason) { [session] in
            await session.carryOn(begun)
        }
        return (begun.runID, plan)
    }

    /// Waits for a run this daemon carries to end and returns its report; nil at once for a run
    /// it does not carry (ended already, or another controller's).
    public func awaitEnd(_ runID: String) async -> RunReport? {
        guard let run = active[runID] else { return nil }
        return await run.task.value
    }

    // MARK: Cancelling

    /// What a cancel did.
    public enum Cancellation: Sendable, Equatable {
        /// The run is carried here: it is stopping now (its cleanup runs).
        case stopping
        /// Another controller or a terminal carries it (named): it stops at that one's next
        /// lease renewal, or at once if signalled; a dead carrier's adopter stops it.
        case requested(carrier: String)
    }

    /// Stops a run as Ctrl-C does: remote commands are killed, cleanup runs. The journal says who
    /// cancelled it and why before anything stops, and keeps the request on the run, so it is
    /// carried out by whoever carries the run (this daemon, another controller, a terminal),
    /// and by whoever adopts it if this daemon dies first.
    @discardableResult
    public func cancel(_ runID: String, by person: String, reason: String) async throws(AdmissionError) -> Cancellation {
        let journaled = try await journaled(runID)
        if case .ended = journaled.status { throw AdmissionError(.conflict, "run \(runID) already ended (\(journaled.status)); nothing to cancel") }
        do {
            try await journal.acting(as: person).requestStop(run: runID, by: person, reason: reason, at: settings.clock.now)
        } catch where error.kind == .alreadyClaimed {
            throw AdmissionError(.conflict, error.description)
        } catch {
            throw AdmissionError(.failed, "the cancellation could not be journaled, so the run was not stopped: \(error)")
        }
        guard let run = active[runID] else { return .requested(carrier: journaled.controller) }
        run.stopReason.set("cancelled by \(person): \(reason)")
        run.task.cancel()
        return .stopping
    }

    /// A stop asked for through the journal (another controller's cancel, `warden cancel`),
    /// signalled: a run carried here stops now rather than at its next lease renewal.
    public func honourStopRequest(_ runID: String) async {
        guard let run = active[runID], let asked = try? await journal.run(runID)?.stopRequest else { return }
        run.stopReason.set("cancelled by \(asked)")
        run.task.cancel()
    }

    // MARK: Resuming

    /// What became of one run left `running` by a dead controller.
    public enum Adoption: Sendable, Equatable {
        /// Resumed here: it goes on in the background.
        case resumed(String)
        /// It needs an operator's word (an unknown change, a secret to give again): why.
        case waiting(String, reason: String)
    }

    /// Resumes a run whose controller died (this daemon before a restart, or a terminal's
    /// `warden run` killed with its machine) as `warden resume` does; returns once it goes on.
    /// With `hold`, the run was taken over already (`adoptLapsed`): it is resumed under that hold.
    public func resume(_ runID: String, inventory: String? = nil, assume: ResumeRequest.Assumption? = nil, values: [String: Value] = [:],
                       identity: RunIdentity, hold: RunLease? = nil) async throws(AdmissionError) -> String {
        guard !stopping else { throw AdmissionError(.stopping, "the daemon is stopping and resumes no runs") }
        guard active[runID] == nil, !resuming.contains(runID) else {
            throw AdmissionError(.conflict, "run \(runID) is running here (or being resumed); nothing to resume")
        }
        // Claimed before the first suspension: the actor runs this check and this insert as one step.
        resuming.insert(runID)
        defer {
            resuming.remove(runID)
            admissionEnded()
        }
        let journaled = try await journaled(runID)
        // Not in a state to be resumed: a conflict (409), as for a cancel, not a request that does not hold together.
        if case .ended = journaled.status { throw AdmissionError(.conflict, "run \(runID) already ended (\(journaled.status)); nothing to resume") }
        let now = (try? await journal.clockReading(fallback: settings.clock.now)) ?? settings.clock.now
        if let controlled = journaled.stillControlled(at: now, heldWith: hold?.fence) {
            throw AdmissionError(.conflict, controlled)
        }
        guard let inventory = inventory ?? journaled.inventory else {
            throw AdmissionError(.invalidInput, "run \(runID) does not say which inventory its hosts are in (it was started before Warden recorded it): name one")
        }
        let paramsFile = try secretsFile(values)
        defer { if let paramsFile { unlink(paramsFile) } }
        var resumption = RunResumption(journal: journal.acting(as: identity.user), transport: makeTransport(),
                                       stateFolder: settings.stateFolder, identity: identity, policy: settings.policy, signer: settings.signer,
                                       delegate: DispatchedRunDelegate(observer: observer), concurrency: settings.concurrency,
                                       environment: [:], clock: settings.clock)
        let stopReason = StopReason()
        resumption.stopReason = stopReason
        resumption.runLease = settings.runLease
        resumption.hold = hold
        let resumer = resumption
        let request = ResumeRequest(runID: runID, inventory: inventory, paramsFile: paramsFile, assume: assume)
        // The resume asks once every check passed and before anything runs: that answer is when the request is accepted.
        let (accepted, acceptance) = AsyncStream<Void>.makeStream()
        let task = Task { () -> Result<RunReport, RunSessionError> in
            do throws(RunSessionError) {
                return .success(try await resumer.resume(request) { _ throws(RunSessionError) in
                    acceptance.yield()
                    acceptance.finish()
                    return true
                })
            } catch {
                acceptance.finish()
                return .failure(error)
            }
        }
        var iterator = accepted.makeAsyncIterator()
        if await iterator.next() == nil, case let .failure(error) = await task.value {
            throw AdmissionError(error)
        }
        track(runID, runbook: journaled.runbook, trigger: journaled.trigger, stopReason: stopReason) {
            switch await task.value {
            case let .success(report): return report
            case let .failure(error):
                var report = RunReport(runbook: journaled.runbook, file: journaled.file)
                report.status = .failed
                report.reason = error.description
                return report
            }
        }
        return runID
    }

    /// The runs a dead or cut-off controller left `running` (triggered through the API, a
    /// schedule or an alert; a terminal's runs are their operator's): those whose controller on
    /// this machine is gone (a restart of this daemon, at once) and those whose lease lapsed more
    /// than `adoptAfter` ago (any controller sharing the journal, found by every daemon's reaper).
    /// Each is taken over first, in one write that raises its epoch only if nobody else did
    /// (so of several daemons exactly one adopts it, and the one it was taken from can send
    /// nothing more), then resumed under that hold as `warden resume` would: leftovers settled,
    /// `verify:` run, pending cleanup always run. A run only a person can settle is listed with
    /// why, noted in its journal, and no longer leased, so no other daemon takes it over again.
    public func adoptOrphans(identity: RunIdentity) async -> [Adoption] {
        guard !stopping else { return [] }
        let candidates: [JournalRun]
        do {
            let running = try await journal.runs(RunQuery(status: .running, limit: RunQuery.maximumLimit))
            let lapsed = Set(try await journal.lapsedRuns(grace: settings.adoptAfter, at: settings.clock.now).map(\.id))
            // A run left to an operator (parked: adopted before, and no longer leased) waits for them.
            candidates = running.reversed().filter { run in
                run.trigger != .terminal && active[run.id] == nil && !resuming.contains(run.id)
                    && (lapsed.contains(run.id) || (run.leaseUntil != nil || run.epoch == 1) && OperatingSystemUser.isGone(run.controller))
            }
        } catch {
            return []
        }
        var adoptions: [Adoption] = []
        for run in candidates {
            // A shutdown that began meanwhile takes over nothing more.
            guard !stopping else { break }
            let since = settings.clock.instant
            let why = OperatingSystemUser.isGone(run.controller)
                ? "its controller \(run.controller) is gone"
                : "its lease lapsed (held by \(run.controller), not renewed for more than \(DurationText.format(settings.adoptAfter)) past it)"
            let fence: RunFence
            do {
                fence = try await journal.adopt(run: run.id, controller: settings.controller, lease: settings.runLease, expecting: run.epoch,
                                                reason: why, at: settings.clock.now)
            } catch {
                // Another daemon adopted it first (or the journal is unreachable: next round).
                continue
            }
            let hold = RunLease(fence: fence, journal: journal, lease: settings.runLease, clock: settings.clock, since: since)
            // Renewed while the resume's checks run (a leftover may take its step's timeout); the
            // run's own keeper takes over once it goes on.
            let keeper = hold.keepRenewed()
            do {
                adoptions.append(.resumed(try await resume(run.id, identity: identity, hold: hold)))
            } catch where error.kind == .stopping {
                // Taken over, then the shutdown began: nothing an operator must settle. The hold is
                // let go unparked: its lease lapses, and this controller is soon gone, so the next
                // daemon on the journal adopts the run as it would have.
                keeper.cancel()
                continue
            } catch {
                adoptions.append(.waiting(run.id, reason: error.description))
                try? await journal.park(fence, reason: "adopted by \(settings.controller) (\(why)) but it needs an operator: \(error.description)",
                                        at: settings.clock.now)
            }
            keeper.cancel()
        }
        return adoptions
    }

    // MARK: Shutting down

    /// SIGTERM: no new runs; running runs get `grace` to finish, then are cancelled (the journal
    /// says why) and their cleanup runs. Returns when every run has ended.
    public func drain(grace: Duration) async {
        stopping = true
        // Starts and resumes admitted before this moment are still planning or journaling: each is
        // tracked (then drained with the rest) or refused before the runs to drain are counted, so
        // none begins behind the drain's back and outlives the daemon.
        if starting > 0 || !resuming.isEmpty {
            await withCheckedContinuation { admissionWaiters.append($0) }
        }
        let deadline = settings.clock.now.addingTimeInterval(grace.milliseconds / 1000)
        while !active.isEmpty, settings.clock.now < deadline {
            try? await settings.clock.sleep(for: min(.milliseconds(200), .milliseconds(Int64(max(1, deadline.timeIntervalSince(settings.clock.now) * 1000)))))
        }
        for run in activeRuns {
            _ = try? await journal.append(.init(runID: run.runID, kind: .note,
                                                detail: "cancelled: the daemon is stopping and the grace period of \(DurationText.format(grace)) ran out; cleanup runs",
                                                at: settings.clock.now))
            run.stopReason.set("cancelled: the daemon was stopping and the grace period of \(DurationText.format(grace)) ran out")
            run.task.cancel()
        }
        for run in activeRuns { _ = await run.task.value }
    }

    // MARK: Helpers

    /// The journal's run `runID`: 404 when there is none, 500 when the journal cannot be read.
    private func journaled(_ runID: String) async throws(AdmissionError) -> JournalRun {
        let run: JournalRun?
        do {
            run = try await journal.run(runID)
        } catch {
            throw AdmissionError(.failed, "\(error)")
        }
        guard let run else { throw AdmissionError(.notFound, "no run '\(runID)' in the journal") }
        return run
    }

    private func track(_ runID: String, runbook: String, trigger: RunTrigger, stopReason: StopReason,
                       _ body: @escaping @Sendable () async -> RunReport) {
        let started = settings.clock.now
        observer.runStarted(runbook: runbook, trigger: trigger)
        let task = Task { [observer, clock = settings.clock] () -> RunReport in
            let report = await body()
            observer.runFinished(runbook: runbook, status: report.status, seconds: clock.now.timeIntervalSince(started))
            self.ended(runID)
            return report
        }
        active[runID] = ActiveRun(runID: runID, runbook: runbook, trigger: trigger, startedAt: started, task: task, stopReason: stopReason)
        observer.activeRunsChanged(to: active.count)
    }

    /// Wakes a drain waiting for admissions once none is in flight.
    private func admissionEnded() {
        guard starting == 0, resuming.isEmpty, !admissionWaiters.isEmpty else { return }
        let waiters = admissionWaiters
        admissionWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    private func ended(_ runID: String) {
        active[runID] = nil
        observer.activeRunsChanged(to: active.count)
    }

    private func load(_ request: RunRequest) throws(AdmissionError) -> EngineContext {
        var inputs = RunInputs(runbook: request.runbook.file, inventory: request.inventoryPath, values: request.values, limit: request.limit,
                               environment: [:], clock: settings.clock)
        inputs.window = request.window
        do {
            return try inputs.load().context
        } catch {
            throw AdmissionError(.invalidInput, error.description)
        }
    }

    private func secretKey(for runbook: Runbook) throws(AdmissionError) -> SecretDigestKey? {
        guard runbook.parameters.contains(where: \.secret) else { return nil }
        do {
            return try SecretDigestKey.openOrCreate(directory: settings.stateFolder)
        } catch {
            throw AdmissionError(.failed, error.description)
        }
    }

    /// Values given to a resume go through a params file, as at the terminal: one only this
    /// user can read, removed once the resume has read it.
    private func secretsFile(_ values: [String: Value]) throws(AdmissionError) -> String? {
        guard !values.isEmpty else { return nil }
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("warden-resume-\(UUID().uuidString).json")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw AdmissionError(.failed, "cannot write the resume's parameters: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let text = Value.map(values).jsonText(pretty: false)
        let written = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        guard written == text.utf8.count else { throw AdmissionError(.failed, "cannot write the resume's parameters") }
        return path
    }
}
