import Foundation
import WardenCore

extension ScheduleService {
    /// An occurrence is due: starts its run, or journals why it does not start (yet).
    func fire(_ schedule: Schedule, at start: Date, asked: RunIdentity? = nil) async {
        let record = book.occurrence(schedule.id, at: start)
        guard record?.outcome == nil else { return }
        // A claim journaled before a restart and no run reported: the run may have started.
        if let record, let claimed = record.firingAt, record.run == nil {
            if let run = await findRun(schedule, start, since: claimed) {
                await reportStarted(schedule, start, run: run, lag: nil)
                return
            }
            // Another live controller of this journal claimed it and is starting its run: its start is
            // journaled soon. Only a claim whose controller died before starting anything is taken on.
            let controller = await dispatcher.settings.controller
            if let claimer = record.firingBy, claimer != controller, !OperatingSystemUser.isGone(claimer),
               clock.now.timeIntervalSince(claimed) < (await dispatcher.settings.runLease).timeInterval * 2 + 60 {
                return
            }
        }
        if let refusal = await refusal(schedule, start) {
            switch refusal {
            case let .end(outcome): await end(schedule, start, outcome)
            case let .hold(reason): await hold(schedule, start, reason)
            }
            return
        }
        // Approved ahead: only the plan approvers read may run, and their approvals go to its gates.
        var approvals: [ApprovalAhead] = []
        var hash: String?
        if schedule.approveAhead != nil, await !needsSignedApprovals(record) {
            guard let record, let plan = record.plan, let planned = record.planHash else {
                await planOccurrence(schedule, start)
                return
            }
            let runbook = plan.plan.runbook
            let states = record.gateStates(policy: await dispatcher.settings.policy, runbook: runbook)
            if let denied = states.first(where: { if case .denied = $0.state { true } else { false } }), case let .denied(by, comment) = denied.state {
                await end(schedule, start, .notApproved("denied by \(by)" + (comment.map { ": \($0)" } ?? "")))
                return
            }
            let waiting = states.filter { if case .approved = $0.state { false } else { true } }
            guard waiting.isEmpty else {
                let counts = waiting.map { gate, state -> String in
                    let have = if case let .waiting(by) = state { by.count } else { 0 }
                    return "gate \(gate.step): \(have) of \(gate.terms.quorum)"
                }
                let changed = plan.changes.isEmpty ? "" : "the plan changed since it was approved: "
                await hold(schedule, start, "\(changed)waiting for approval of plan \(planned) (\(counts.joined(separator: "; ")))")
                return
            }
            hash = planned
            for (gate, state) in states {
                guard case let .approved(by) = state else { continue }
                for approver in by {
                    let comment = record.decisions.last { $0.actor == approver && $0.planHash == planned }?.detail
                    approvals.append(ApprovalAhead(step: gate.step, approver: approver, planHash: planned,
                                                   comment: "approved ahead for \(record.id)" + (comment.map { ": \($0)" } ?? "")))
                }
            }
        }
        // The claim, before anything reaches a host: unique in the journal, so nothing fires twice.
        if record?.firingAt == nil {
            // Full: no claim, so that a controller sharing the journal with room claims and starts
            // it (or this one, once a run ends), until its catch-up ends.
            guard await dispatcher.hasRoom else {
                if await !dispatcher.isAccepting {
                    await hold(schedule, start, Self.stoppingHold)
                    return
                }
                let settings = await dispatcher.settings
                await hold(schedule, start, "no room on \(settings.controller) (runs.max_active \(settings.maximumActive) runs are active); "
                           + "started by the first controller with room until its catch-up ends")
                return
            }
            // The claim names its controller: the others sharing the journal leave the start to it.
            guard await append([ScheduleEventDraft(schedule: schedule.id, occurrence: start.timeIntervalSince1970, kind: .firing,
                                                   actor: asked?.user ?? "warden", detail: await dispatcher.settings.controller)]) != nil else { return }
        }
        let now = clock.now
        let window = DateInterval(start: asked == nil ? start : now, duration: schedule.duration.timeInterval)
        let request: RunRequest
        do {
            request = try await runRequest(schedule, start, window: .occurrence(window, schedule.timeZone, schedule.timeZoneName), planHash: hash,
                                           identity: asked)
        } catch {
            await end(schedule, start, .startFailed(error.description))
            return
        }
        var withApprovals = request
        withApprovals.approvalsAhead = approvals
        do {
            let started = hash == nil ? try await dispatcher.start(withApprovals, admitting: { _ in nil }) : try await dispatcher.start(withApprovals)
            await reportStarted(schedule, start, run: started.runID, lag: clock.now.timeIntervalSince(start))
        } catch {
            await refused(schedule, start, error)
        }
    }

    /// Whether the occurrence's gates require signed approvals (the site policy says so): a
    /// decision given ahead cannot be signed for a run that does not exist yet, so such an
    /// occurrence starts its run at its time and the run waits at its gate for signed approvals,
    /// as a run without `approve_ahead` does.
    func needsSignedApprovals(_ record: OccurrenceRecord?) async -> Bool {
        guard let plan = record?.plan else { return false }
        let policy = await dispatcher.settings.policy
        return plan.gates.contains { policy.tighten($0.terms, runbook: plan.plan.runbook).requireSignatures }
    }

    /// An occurrence due while the daemon stops: left to the next daemon on this journal.
    static let stoppingHold = "the daemon began stopping before its run started; the next daemon on this journal starts it until its catchup ends"

    /// Why an occurrence does not start now: ended for good, or held for a while.
    enum Refusal {
        case end(ScheduleOutcome)
        case hold(String)
    }

    func refusal(_ schedule: Schedule, _ start: Date) async -> Refusal? {
        if !schedule.enabled { return .end(.disabled) }
        if let pause = book.pauses[schedule.id] { return .end(.paused("by \(pause.by): \(pause.reason)")) }
        let global = await state.configuration.blackouts
        if let blackout = schedule.blackout(covering: start, among: global) {
            return .end(.skippedBlackout(blackout.description))
        }
        guard schedule.overlap != .allowAll, let running = await runningRun(of: schedule.id) else { return nil }
        follow(running, of: schedule.id, occurrence: nil)
        if schedule.overlap == .skip { return .end(.skippedOverlap(run: running)) }
        // queue_one: one occurrence waits for the run; any other is skipped.
        let queued = book.openOccurrences(of: schedule.id).contains { $0.start != start && ($0.held?.hasPrefix("queued behind") ?? false) }
        if queued { return .end(.skippedOverlap(run: running)) }
        return .hold("queued behind run \(running), which is still going (overlap: queue_one)")
    }

    /// Journals the run's start and the occurrence's outcome in one write.
    func reportStarted(_ schedule: Schedule, _ start: Date, run: String, lag: Double?) async {
        let occurrence = start.timeIntervalSince1970
        guard await append([ScheduleEventDraft(schedule: schedule.id, occurrence: occurrence, kind: .started, run: run),
                            Self.outcomeDraft(schedule.id, start, .started(run: run))]) != nil else { return }
        if let lag { metrics.scheduleLag(schedule: schedule.id, seconds: lag) }
        tell(schedule.id, start, .started(run: run))
        follow(run, of: schedule.id, occurrence: start)
    }

    /// What a refused start means for the occurrence.
    private func refused(_ schedule: Schedule, _ start: Date, _ error: AdmissionError) async {
        switch error.kind {
        case .planChanged:
            // Held at its gate: approvers read the new plan (and what changed) and approve it, or the window runs out.
            await planOccurrence(schedule, start, fresh: error.plan)
        case .busy:
            await hold(schedule, start, "\(error.description); tried again until its catchup ends")
        case .stopping:
            // Not an end: the daemon is going away (a restart, an upgrade), not the occurrence. Its claim
            // names this controller, which is soon gone, so the next daemon on this journal starts it.
            await hold(schedule, start, Self.stoppingHold)
        case .conflict where error.plan != nil:
            let reason = error.plan?.verdictReason ?? error.description
            await end(schedule, start, .planBlocked(reason + (error.runID.map { " (run \($0), not started)" } ?? "")))
        default:
            await end(schedule, start, .startFailed(error.description))
        }
    }

    /// The occurrence's last useful start passed while it waited.
    func expire(_ schedule: Schedule, at start: Date) async {
        guard let record = book.occurrence(schedule.id, at: start), record.outcome == nil else { return }
        if let claimed = record.firingAt, record.run == nil, let run = await findRun(schedule, start, since: claimed) {
            await reportStarted(schedule, start, run: run, lag: nil)
            return
        }
        let deadline = start.addingTimeInterval((schedule.catchup ?? schedule.duration).timeInterval)
        let held = record.held ?? ""
        let outcome: ScheduleOutcome
        if held.hasPrefix("queued behind run "), let run = held.dropFirst("queued behind run ".count).split(separator: ",").first {
            outcome = .skippedOverlap(run: String(run))
        } else if schedule.approveAhead != nil, held.hasPrefix("waiting for approval") || held.hasPrefix("the plan changed") || record.firingAt == nil {
            outcome = .notApproved("no approval of plan \(record.planHash ?? "?") by its last useful start (\(OccurrenceRecord.text(deadline)))"
                                   + (held.isEmpty ? "" : "; it was \(held)"))
        } else {
            outcome = .missed("not started by its last useful start (\(OccurrenceRecord.text(deadline)))" + (held.isEmpty ? "" : "; it was \(held)"))
        }
        await end(schedule, start, outcome)
    }

    // MARK: Planning ahead

    /// Plans the occurrence ahead of its window (a real dry run, no window: the plan says what
    /// the run would do in it) and asks for its approval.
    func planAhead(_ schedule: Schedule, at start: Date) async {
        guard book.occurrence(schedule.id, at: start)?.planned == nil else { return }
        // One that will be skipped is not dry-run against the hosts nor put to approvers.
        if !schedule.enabled || book.pauses[schedule.id] != nil { return }
        let global = await state.configuration.blackouts
        if schedule.blackout(covering: start, among: global) != nil { return }
        await planOccurrence(schedule, start)
    }

    /// Journals a plan for the occurrence (`fresh`, or one made now) bound to its gates' terms, with
    /// what changed against the plan before it, and says that it waits for approval.
    func planOccurrence(_ schedule: Schedule, _ start: Date, fresh: Plan? = nil) async {
        let previous = book.occurrence(schedule.id, at: start)?.plan
        let plan: Plan
        let runbook: Runbook
        do {
            let request = try await runRequest(schedule, start, window: .none, planHash: nil, identity: nil)
            runbook = request.runbook
            plan = if let fresh { fresh } else { try await dispatcher.plan(request) }
        } catch {
            // Planning ahead can be tried again; the occurrence itself is decided at its time.
            logger.warning("cannot plan a scheduled occurrence ahead", metadata: ["occurrence": "\(schedule.id)@\(OccurrenceRecord.text(start))",
                                                                                   "error": "\(VisibleText.line(error.description))"])
            await hold(schedule, start, "cannot be planned: \(VisibleText.line(error.description))")
            return
        }
        let gates = OccurrencePlan.gates(of: plan, runbook: runbook, policy: await dispatcher.settings.policy, owner: schedule.owner)
        let changes = previous.map { OccurrencePlan.changes(from: $0.plan, to: plan) } ?? []
        let content = OccurrencePlan(plan: plan, gates: gates, owner: schedule.owner, changes: changes)
        guard let detail = try? String(decoding: JSONEncoder().encode(content), as: UTF8.self) else { return }
        let occurrence = start.timeIntervalSince1970
        let why = previous == nil ? "waiting for approval of plan \(plan.hash)"
            : "the plan changed since it was approved (\(previous?.plan.hash ?? "?") -> \(plan.hash)): waiting for approval of the new plan"
        guard await append([ScheduleEventDraft(schedule: schedule.id, occurrence: occurrence, kind: .planned, planHash: plan.hash, detail: detail),
                            ScheduleEventDraft(schedule: schedule.id, occurrence: occurrence, kind: .held, detail: why)]) != nil else { return }
        let text = "\(schedule.id) at \(OccurrenceRecord.text(start)) (\(schedule.timeZoneName)): "
        if previous == nil {
            notify("occurrence-needs-approval", schedule: schedule.id, start: start,
                   summary: text + "plan \(plan.hash) needs approval (\(plan.verdict.rawValue)\(plan.verdictReason.map { ": \($0)" } ?? ""))", run: nil)
        } else {
            notify("occurrence-held", schedule: schedule.id, start: start,
                   summary: text + "held: the plan changed since it was approved; approve \(plan.hash) to let it start. Changes: "
                       + changes.prefix(5).joined(separator: "; "), run: nil)
        }
    }

    // MARK: Requests

    /// The run an occurrence asks for, as its owner (or the operator who asked for it now).
    func runRequest(_ schedule: Schedule, _ start: Date, window: WindowChoice, planHash: String?, identity asked: RunIdentity?)
        async throws(AdmissionError) -> RunRequest {
        let proof = Self.proof(schedule.id, start)
        var identity = RunIdentity(user: schedule.owner, controller: await dispatcher.settings.controller, trigger: .schedule, proof: proof)
        if let asked {
            identity = asked
            identity.trigger = .schedule
            identity.proof = "\(asked.proof ?? "asked"); \(proof), started now"
        }
        var request = try await state.runRequest(runbook: schedule.runbook, inventory: schedule.inventory, params: schedule.params,
                                                 source: "of schedule \(schedule.id)", identity: identity, planHash: planHash)
        request.window = window
        return request
    }

    /// How a run names the occurrence it is for (in its first note): how it is found again after a restart.
    static func proof(_ schedule: String, _ start: Date) -> String { "schedule \(schedule) occurrence \(OccurrenceRecord.text(start))" }

    /// The run an occurrence's claim led to, if one started before the daemon died.
    func findRun(_ schedule: Schedule, _ start: Date, since claimed: Date) async -> String? {
        guard let runs = try? await journal.runs(RunQuery(runbook: schedule.runbook, trigger: .schedule, limit: 200)) else { return nil }
        let marker = "(\(Self.proof(schedule.id, start))"
        for run in runs where run.trigger == .schedule && run.startedAt >= claimed.timeIntervalSince1970 - 5 {
            guard let events = try? await journal.events(of: run.id) else { continue }
            if events.prefix(5).contains(where: { $0.kind == .note && ($0.detail?.contains(marker) ?? false) }) { return run.id }
        }
        return nil
    }
}
