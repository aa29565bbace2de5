import Foundation
import Logging
import WardenCore

/// The daemon's side of the work queue (`WorkItem`): runs requested through the API are rows
/// that any controller sharing the journal may claim; this actor claims them while its
/// dispatcher has room, starts each on a fresh plan with the hash the requester confirmed, and
/// settles the ones it cannot start. It wakes when this daemon queues one, when another
/// controller signals (PostgreSQL's NOTIFY), and every `poll` (the safety net); the same
/// signals carry stop requests for the runs this daemon carries.
actor QueueService {
    private let journal: Journal
    private let dispatcher: RunDispatcher
    private let state: DaemonState
    private let clock: any EngineClock
    private let metrics: WardenMetrics
    private let logger: Logger
    /// How often the queue is looked at without a signal.
    private let poll: Duration
    private var loop: Task<Void, Never>?
    private var listener: Task<Void, Never>?
    private var wakeUp: AsyncStream<Void>.Continuation?

    init(journal: Journal, dispatcher: RunDispatcher, state: DaemonState, clock: any EngineClock, metrics: WardenMetrics, logger: Logger,
         poll: Duration = .seconds(2)) {
        self.journal = journal
        self.dispatcher = dispatcher
        self.state = state
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.poll = poll
    }

    /// Starts claiming (and listening for signals, where the journal sends them).
    func start() {
        guard loop == nil else { return }
        let (wakes, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wakeUp = continuation
        loop = Task { await self.claimLoop(wakes) }
        if let signals = journal.signals() {
            listener = Task { [dispatcher] in
                for await signal in signals {
                    switch signal {
                    case .work: continuation.yield()
                    case let .stop(runID): await dispatcher.honourStopRequest(runID)
                    }
                }
            }
        }
    }

    func stop() {
        loop?.cancel()
        listener?.cancel()
        wakeUp?.finish()
        loop = nil
        listener = nil
    }

    /// Looks at the queue now (an item was queued here, a run ended).
    nonisolated func wake() {
        Task { await self.yieldWake() }
    }

    private func yieldWake() { wakeUp?.yield() }

    private func claimLoop(_ wakes: AsyncStream<Void>) async {
        // The poll wakes the loop as a signal would; either way the queue is read again.
        let ticker = Task { [clock, poll] in
            while !Task.isCancelled {
                do { try await clock.sleep(for: poll) } catch { return }
                self.yieldWake()
            }
        }
        defer { ticker.cancel() }
        for await _ in wakes {
            await claimWhileThereIsRoom()
        }
    }

    /// Claims and starts items until the queue is empty or this daemon is full (then it only
    /// expires the items too late to start).
    func claimWhileThereIsRoom() async {
        await claimAndStart()
        await countOpen()
    }

    private func claimAndStart() async {
        let settings = await dispatcher.settings
        if await !dispatcher.hasRoom {
            try? await journal.expireWork(at: clock.now)
            return
        }
        while !Task.isCancelled, await dispatcher.hasRoom {
            let claimed: (WorkItem, WorkClaim)?
            do {
                claimed = try await journal.claimWork(controller: settings.controller, lease: settings.runLease, at: clock.now)
            } catch {
                logger.warning("cannot read the work queue; tried again at the next poll", metadata: ["error": "\(error)"])
                return
            }
            guard let (item, claim) = claimed else { return }
            await start(item, under: claim)
        }
    }

    /// The queue's depth for the metrics (the open items, whoever claimed them).
    private func countOpen() async {
        if let open = try? await journal.workItems(closedLimit: 0).open { metrics.queueOpen(open.count) }
    }

    /// Starts the claimed item's run, or settles why not.
    private func start(_ item: WorkItem, under claim: WorkClaim) async {
        guard let queued = QueuedRun.from(item) else {
            try? await journal.settle(claim, as: .refused, outcome: "its request cannot be read by this Warden (\(WardenVersion.current))", at: clock.now)
            return
        }
        let request: RunRequest
        do throws(AdmissionError) {
            request = try await QueueService.request(queued, claim: claim, in: state)
        } catch {
            try? await journal.settle(claim, as: .refused, outcome: error.description, at: clock.now)
            metrics.queueClaim("refused")
            logger.notice("a queued run was refused", metadata: ["item": "\(item.id)", "why": "\(VisibleText.line(error.description))"])
            return
        }
        let outcome = await QueueService.start(request, claim: claim, journal: journal, dispatcher: dispatcher, clock: clock)
        metrics.queueClaim(outcome.metric)
        switch outcome {
        case let .started(runID):
            logger.info("started a queued run", metadata: ["item": "\(item.id)", "run": "\(runID)", "attempt": "\(item.attempts)"])
        case let .refused(error):
            logger.notice("a queued run was not started", metadata: ["item": "\(item.id)", "why": "\(VisibleText.line(error.description))"])
        }
    }

    /// What became of a claimed item's start.
    enum Outcome: Sendable {
        case started(runID: String)
        case refused(AdmissionError)

        /// As `warden_queue_claims_total` counts it: a start refused for want of room gave the item back.
        var metric: String {
            switch self {
            case .started: "started"
            case let .refused(error): error.kind == .busy || error.kind == .stopping ? "given_back" : "refused"
            }
        }
    }

    /// Starts `request` under `claim`, renewing the claim while its plan is made; a start
    /// refused for want of room (or a daemon stopping) puts the item back for another
    /// controller, any other refusal settles it with why. Shared by the claim loop and by
    /// `POST /runs`, which claims what it queues when it has room.
    static func start(_ request: RunRequest, claim: WorkClaim, journal: Journal, dispatcher: RunDispatcher,
                      clock: any EngineClock) async -> Outcome {
        let lease = await dispatcher.settings.runLease
        let renewer = LeaseRenewal.every(third: lease, clock: clock) { () async throws(JournalError) in
            try await journal.renewClaim(claim, lease: lease, at: clock.now)
        }
        defer { renewer.cancel() }
        do throws(AdmissionError) {
            return .started(runID: try await dispatcher.start(request).runID)
        } catch {
            switch error.kind {
            case .busy, .stopping:
                try? await journal.settle(claim, as: .ready, outcome: nil, at: clock.now)
            default:
                // A refusal journaled as a run (its plan was blocked) closed the item already: this is refused as fenced.
                try? await journal.settle(claim, as: .refused, outcome: error.description, at: clock.now)
            }
            return .refused(error)
        }
    }

    /// The run a queued request asks for, as the config is now: a runbook or inventory that left
    /// the config since, or parameters that no longer bind, are refused naming them.
    static func request(_ queued: QueuedRun, claim: WorkClaim, in state: DaemonState) async throws(AdmissionError) -> RunRequest {
        guard let runbook = await state.catalog[queued.runbook] else {
            throw AdmissionError(.notFound, "runbook '\(queued.runbook)' is no longer in the catalog")
        }
        guard let path = await state.configuration.inventories[queued.inventory] else {
            throw AdmissionError(.notFound, "inventory '\(queued.inventory)' is no longer configured")
        }
        var request = RunRequest(runbook: runbook, inventoryName: queued.inventory, inventoryPath: path, values: queued.params, limit: queued.limit,
                                 planHash: queued.planHash,
                                 identity: RunIdentity(user: queued.user, controller: claim.controller, trigger: .api, proof: queued.proof))
        request.workClaim = claim
        return request
    }
}
