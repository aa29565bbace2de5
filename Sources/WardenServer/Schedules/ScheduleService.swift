import Foundation
import Logging
import WardenCore

/// Scheduled maintenance windows: fires each occurrence of the config's
/// `schedules:` exactly once, through the same dispatcher the API uses.
///
/// Its state is the journal's schedule events, folded (`ScheduleBook`); every
/// step of an occurrence is journaled before it is acted on. An occurrence's
/// `firing` claim is written before its run starts and is unique in the
/// journal, so a daemon killed at fire time and started again never fires it
/// twice: it finds the run the claim led to (by the occurrence named in the
/// run's request) or, when there is none, starts it once within its catchup.
///
/// What to do when is `ScheduleAgenda`'s decision; this actor sleeps until the
/// agenda's next instant (at most `longestNap`, so a clock set forward is
/// noticed), and is woken early by anything that may change the answer: an
/// approval, a pause, a run's end, a reload.
actor ScheduleService {
    let journal: Journal
    let dispatcher: RunDispatcher
    let state: DaemonState
    let metrics: WardenMetrics
    let clock: any EngineClock
    let logger: Logger
    let webhooks: DecisionWebhooks

    /// The journal's schedule events, folded; updated with every event written here.
    var book = ScheduleBook()
    /// When this daemon started looking: occurrences before it that were never started were missed while it was down.
    var daemonStarted: Date
    private var loop: Task<Void, Never>?
    /// Whether `start` ran (a reload that brings the first schedule starts the loop then).
    private var started = false
    private var nap: Task<Void, Never>?
    private var poked = false
    /// Occurrences being acted on now, by id: one is never fired (or planned) twice at once.
    var inFlight: Set<String> = []
    /// Runs followed to their end (to wake a queued occurrence, and to tell of a failure).
    var followed: Set<String> = []

    /// The longest the loop sleeps without looking again.
    static let longestNap: Duration = .seconds(30)

    init(journal: Journal, dispatcher: RunDispatcher, state: DaemonState, metrics: WardenMetrics, clock: any EngineClock, logger: Logger) {
        self.journal = journal
        self.dispatcher = dispatcher
        self.state = state
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        self.webhooks = DecisionWebhooks(logger: logger)
        daemonStarted = clock.now
    }

    // MARK: Life

    /// Reads the journal back and starts looking after the schedules; returns at once.
    func start() async {
        daemonStarted = clock.now
        do {
            book = ScheduleBook(try await journal.scheduleEvents())
        } catch {
            logger.error("cannot read the journal's schedule events; no schedule fires until a restart", metadata: ["error": "\(error)"])
            return
        }
        let schedules = await state.configuration.schedules
        for schedule in schedules {
            metrics.scheduleConfigured(schedule.id)
            // Runs started before a restart and still going: followed again, for their end.
            for run in book.runs(of: schedule.id).prefix(3) {
                if let journaled = try? await journal.run(run), journaled.status == .running { follow(run, of: schedule.id, occurrence: nil) }
            }
        }
        started = true
        if !schedules.isEmpty {
            logger.info("schedules", metadata: ["count": "\(schedules.count)", "events": "\(book.lastSequence)"])
            loop = Task { await self.runLoop() }
        }
    }

    /// Stops looking (shutdown). Runs already started are the dispatcher's to drain.
    func stop() {
        started = false
        loop?.cancel()
        nap?.cancel()
    }

    /// Looks again now: something that may change what is due happened.
    func poke() {
        poked = true
        nap?.cancel()
    }

    /// A reload: the next pass works with the new schedules.
    func reload() async {
        let schedules = await state.configuration.schedules
        for schedule in schedules { metrics.scheduleConfigured(schedule.id) }
        if started, loop == nil, !schedules.isEmpty { loop = Task { await self.runLoop() } }
        poke()
    }

    private func runLoop() async {
        while !Task.isCancelled {
            poked = false
            // Read before the pass and slept from: a clock that moves during the pass (a test's, or
            // the wall clock while planning takes seconds) shortens the nap instead of being missed.
            let instant = clock.instant
            let now = clock.now
            let (wake, acted) = await pass(at: now)
            if Task.isCancelled { return }
            if poked { continue }
            var delay = Self.longestNap
            if let wake { delay = min(delay, .seconds(max(0, wake.timeIntervalSince(now)))) }
            // Nothing done and nothing due yet: never spin, even if the agenda says "now".
            if delay <= .zero, acted { continue }
            let clock = self.clock
            let deadline = instant + max(delay, .milliseconds(acted ? 0 : 200))
            let task = Task { _ = try? await clock.sleep(until: deadline) }
            nap = task
            await task.value
            nap = nil
        }
    }

    /// One look at every schedule: journals what is owed at once (registrations, missed
    /// occurrences), starts tasks for what takes time (planning, starting). Returns when to look again.
    private func pass(at now: Date) async -> (wake: Date?, acted: Bool) {
        await catchUp()
        let configuration = await state.configuration
        var wake: Date?
        var acted = false
        var owed: [ScheduleEventDraft] = []
        var ended: [(schedule: String, outcome: ScheduleOutcome, start: Date)] = []
        for schedule in configuration.schedules {
            let (actions, next) = ScheduleAgenda.actions(for: schedule, book: book, now: now, daemonStarted: daemonStarted)
            if let next { wake = min(wake ?? next, next) }
            metrics.scheduleNext(schedule: schedule.id, at: schedule.occurrences.next(after: now)?.start)
            for action in actions {
                switch action {
                case .register:
                    owed.append(ScheduleEventDraft(schedule: schedule.id, occurrence: nil, kind: .registered, detail: "\(schedule.expressionText) \(schedule.timeZoneName)"))
                case let .end(start, outcome):
                    owed.append(Self.outcomeDraft(schedule.id, start, outcome))
                    ended.append((schedule.id, outcome, start))
                case let .fire(start):
                    acted = launch(schedule, start) { await self.fire(schedule, at: start) } || acted
                case let .expire(start):
                    acted = launch(schedule, start) { await self.expire(schedule, at: start) } || acted
                case let .planAhead(start):
                    acted = launch(schedule, start) { await self.planAhead(schedule, at: start) } || acted
                }
            }
        }
        if !owed.isEmpty {
            acted = true
            // In pages: a daemon down for a month with an hourly schedule owes hundreds of outcomes.
            var index = 0
            while index < owed.count {
                let page = Array(owed[index..<min(owed.count, index + 500)])
                guard await append(page) != nil else { break }
                index += page.count
            }
            for (schedule, outcome, start) in ended { tell(schedule, start, outcome) }
        }
        return (wake, acted)
    }

    /// Runs `body` for the occurrence unless something already acts on it; true when started.
    private func launch(_ schedule: Schedule, _ start: Date, _ body: @escaping @Sendable () async -> Void) -> Bool {
        let id = "\(schedule.id)@\(OccurrenceRecord.text(start))"
        guard inFlight.insert(id).inserted else { return false }
        let before = book.lastSequence
        Task {
            await body()
            self.landed(id, before: before)
        }
        return true
    }

    /// An action ended: look again at once only if it journaled something. An occurrence that
    /// still waits (for an approval, a queue) is looked at again when something it waits for
    /// happens (an approval, a run's end poke the loop) or after a nap, not in a busy loop.
    private func landed(_ id: String, before: Int) {
        inFlight.remove(id)
        if book.lastSequence != before { poke() }
    }

    // MARK: Journal

    /// Journals the drafts in one write and folds them in; nil (logged) when the journal
    /// refuses, `alreadyClaimed` included (another writer holds the claim: nothing of it was kept).
    @discardableResult
    func append(_ drafts: [ScheduleEventDraft]) async -> [ScheduleEventEntry]? {
        // The audit log names who: the approver or operator of their events, the daemon for its own.
        let actor = drafts.first?.actor ?? "warden"
        let writer = actor == "warden" ? journal : journal.acting(as: actor)
        do {
            let entries = try await writer.appendScheduleEvents(drafts, at: clock.now)
            await catchUp()
            return entries
        } catch {
            if error.kind == .alreadyClaimed {
                logger.notice("a schedule claim was made already; nothing done twice", metadata: ["error": "\(error)"])
                // Someone else wrote it: read the journal again so the book says so.
                await catchUp()
            } else {
                logger.error("cannot journal schedule events; tried again on the next pass", metadata: ["error": "\(error)"])
            }
            return nil
        }
    }

    /// Folds in every event journaled since the last one folded, in order: this daemon's own and
    /// others' (`warden approve SCHEDULE@TIME` writes to the same journal).
    func catchUp() async {
        guard let events = try? await journal.scheduleEvents(from: book.lastSequence + 1) else { return }
        for event in events where event.sequence > book.lastSequence { book.apply(event) }
    }

    static func outcomeDraft(_ schedule: String, _ start: Date, _ outcome: ScheduleOutcome, actor: String = "warden") -> ScheduleEventDraft {
        ScheduleEventDraft(schedule: schedule, occurrence: start.timeIntervalSince1970, kind: .outcome, actor: actor, run: outcome.run,
                           detail: outcome.detail)
    }

    /// Journals the occurrence's outcome, counts it and tells whoever listens.
    func end(_ schedule: Schedule, _ start: Date, _ outcome: ScheduleOutcome) async {
        guard await append([Self.outcomeDraft(schedule.id, start, outcome)]) != nil else { return }
        tell(schedule.id, start, outcome)
    }

    /// Journals why the occurrence waits, once per reason.
    func hold(_ schedule: Schedule, _ start: Date, _ reason: String) async {
        guard book.occurrence(schedule.id, at: start)?.held != reason else { return }
        await append([ScheduleEventDraft(schedule: schedule.id, occurrence: start.timeIntervalSince1970, kind: .held, detail: reason)])
        logger.notice("scheduled occurrence waits", metadata: ["occurrence": "\(schedule.id)@\(OccurrenceRecord.text(start))", "why": "\(reason)"])
    }

    /// Metrics, the log and the webhooks for an outcome.
    func tell(_ schedule: String, _ start: Date, _ outcome: ScheduleOutcome) {
        metrics.scheduleOccurrence(schedule: schedule, outcome: outcome.kind)
        let occurrence = OccurrenceRecord.text(start)
        logger.notice("scheduled occurrence ended", metadata: ["occurrence": "\(schedule)@\(occurrence)", "outcome": "\(VisibleText.line(outcome.description))"])
        let event: String? = switch outcome {
        case .started: nil
        case .missed: "occurrence-missed"
        // A disabled schedule was switched off on purpose: no news at every occurrence.
        case .disabled: nil
        case .skippedOverlap, .skippedBlackout, .paused: "occurrence-skipped"
        case .notApproved, .planBlocked, .startFailed: "occurrence-not-started"
        }
        if let event { notify(event, schedule: schedule, start: start, summary: "\(schedule) at \(occurrence): \(outcome)", run: outcome.run) }
    }

    func notify(_ event: String, schedule: String, start: Date, summary: String, run: String?) {
        let notification = WebhookNotification(event: .init(rawValue: event), summary: VisibleText.line(summary), schedule: schedule,
                                               occurrence: OccurrenceRecord.text(start), run: run, at: clock.now)
        Task { webhooks.send(notification, to: await state.configuration.notify) }
    }

    // MARK: Runs

    /// Follows a scheduled run to its end: a queued occurrence may go then, and a failure is told.
    func follow(_ run: String, of schedule: String, occurrence: Date?) {
        guard followed.insert(run).inserted else { return }
        Task {
            _ = await dispatcher.awaitEnd(run)
            while let journaled = try? await journal.run(run), case .running = journaled.status {
                try? await clock.sleep(for: .seconds(2))
                _ = await dispatcher.awaitEnd(run)
            }
            await self.runEnded(run, of: schedule, occurrence: occurrence)
        }
    }

    private func runEnded(_ run: String, of schedule: String, occurrence: Date?) async {
        followed.remove(run)
        if let journaled = try? await journal.run(run), journaled.status != .ended(.succeeded) {
            let start = occurrence ?? book.occurrences(of: schedule).last(where: { $0.run == run })?.start ?? clock.now
            notify("occurrence-run-failed", schedule: schedule, start: start,
                   summary: "\(schedule) at \(OccurrenceRecord.text(start)): run \(run) ended \(journaled.status)\(journaled.reason.map { ": \($0)" } ?? "")",
                   run: run)
        }
        poke()
    }

    /// The schedule's run still going, if any (`overlap`).
    func runningRun(of schedule: String) async -> String? {
        for run in book.runs(of: schedule).prefix(5) {
            if let journaled = try? await journal.run(run), journaled.status == .running { return run }
        }
        return nil
    }
}
