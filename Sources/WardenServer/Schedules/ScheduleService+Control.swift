import Foundation
import WardenCore

extension ScheduleService {
    /// The schedules of the config now, and the journal's fold: what views read.
    func snapshot() async -> (schedules: [Schedule], blackouts: [ScheduleBlackout], book: ScheduleBook, now: Date) {
        let configuration = await state.configuration
        return (configuration.schedules, configuration.blackouts, book, clock.now)
    }

    func schedule(_ id: String) async throws(AdmissionError) -> Schedule {
        let schedules = await state.configuration.schedules
        guard let schedule = schedules.first(where: { $0.id == id }) else {
            throw AdmissionError(.notFound, "no schedule '\(VisibleText.line(id))'" + (NameSuggestion.hint(for: id, among: schedules.map(\.id)).map { " (\($0))" } ?? ""))
        }
        return schedule
    }

    /// An approver's decision on an occurrence's plan, bound to the hash they read. Refused when
    /// the occurrence is not planned, ended, planned again since (another hash), or when the
    /// gates' terms do not let this person decide (never the schedule's owner; only listed approvers).
    func decide(_ decision: Approval.Decision, schedule id: String, at start: Date, planHash: String, comment: String?, by person: String)
        async throws(AdmissionError) -> OccurrenceRecord {
        _ = try await schedule(id)
        let name = "\(id)@\(OccurrenceRecord.text(start))"
        let draft = try OccurrenceDecision.draft(decision, on: book.occurrence(id, at: start), schedule: id, start: start, planHash: planHash,
                                                 comment: comment, by: person, policy: await dispatcher.settings.policy)
        guard await append([draft]) != nil else { throw AdmissionError(.failed, "the decision could not be journaled; nothing was recorded") }
        logger.notice("scheduled occurrence \(decision == .approve ? "approved" : "denied") ahead", metadata: ["occurrence": "\(name)", "by": "\(person)",
                                                                                                            "plan": "\(planHash)"])
        poke()
        guard let record = book.occurrence(id, at: start) else { throw AdmissionError(.failed, "occurrence \(name) cannot be read back") }
        return record
    }

    /// Pauses a schedule: its occurrences end `paused` until it is resumed. A pause must say why
    /// (`invalidInput` otherwise): the API and the web UI both come through here.
    func pause(_ id: String, reason: String, by person: String) async throws(AdmissionError) {
        _ = try await schedule(id)
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw AdmissionError(.invalidInput, "say why") }
        if let pause = book.pauses[id] { throw AdmissionError(.conflict, "schedule \(id) is already paused, by \(pause.by): \(pause.reason)") }
        guard await append([ScheduleEventDraft(schedule: id, occurrence: nil, kind: .paused, actor: person, detail: VisibleText.line(reason))]) != nil else {
            throw AdmissionError(.failed, "the pause could not be journaled; the schedule is not paused")
        }
        poke()
    }

    /// Resumes a paused schedule; `reason`, when given (the web UI asks for one), is journaled with it.
    func resume(_ id: String, reason: String? = nil, by person: String) async throws(AdmissionError) {
        _ = try await schedule(id)
        guard book.pauses[id] != nil else { throw AdmissionError(.conflict, "schedule \(id) is not paused") }
        let detail = reason.map { VisibleText.line($0) }.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        guard await append([ScheduleEventDraft(schedule: id, occurrence: nil, kind: .resumed, actor: person, detail: detail)]) != nil else {
            throw AdmissionError(.failed, "the resume could not be journaled; the schedule stays paused")
        }
        poke()
    }

    /// Starts an occurrence now, for an operator: planned, approved and locked as usual, its window
    /// running from now for the schedule's duration. Its nominal time then finds it ended.
    func runNow(_ id: String, at start: Date, identity: RunIdentity) async throws(AdmissionError) -> String {
        let schedule = try await schedule(id)
        let name = "\(id)@\(OccurrenceRecord.text(start))"
        guard schedule.occurrences.next(after: start.addingTimeInterval(-1))?.start == start else {
            let next = schedule.occurrences.next(3, after: clock.now).map { OccurrenceRecord.text($0.start) }
            throw AdmissionError(.notFound, "\(OccurrenceRecord.text(start)) is not an occurrence of schedule \(id); the next are \(next.joined(separator: ", "))")
        }
        let record = book.occurrence(id, at: start)
        if let outcome = record?.outcome { throw AdmissionError(.conflict, "occurrence \(name) already ended: \(outcome)") }
        if start.addingTimeInterval((schedule.catchup ?? schedule.duration).timeInterval) < clock.now {
            throw AdmissionError(.conflict, "occurrence \(name) is past its last useful start; it ends as the scheduler finds it")
        }
        switch await refusal(schedule, start) {
        case let .end(outcome)?: throw AdmissionError(.conflict, "occurrence \(name) would not start: \(outcome)")
        case let .hold(reason)?: throw AdmissionError(.conflict, "occurrence \(name) would wait: \(reason)")
        case nil: break
        }
        if schedule.approveAhead != nil {
            let states = record?.gateStates(policy: await dispatcher.settings.policy, runbook: record?.plan?.plan.runbook ?? schedule.runbook) ?? []
            guard !states.isEmpty, states.allSatisfy({ if case .approved = $0.state { true } else { false } }) else {
                throw AdmissionError(.conflict, "occurrence \(name) is not approved yet (approve_ahead): approve plan \(record?.planHash ?? "(not planned yet)") first")
            }
        }
        guard inFlight.insert(name).inserted else { throw AdmissionError(.conflict, "occurrence \(name) is being started already") }
        defer { inFlight.remove(name) }
        await fire(schedule, at: start, asked: identity)
        guard let after = book.occurrence(id, at: start) else { throw AdmissionError(.failed, "occurrence \(name) was not journaled") }
        if case let .started(run)? = after.outcome { return run }
        throw AdmissionError(.conflict, "occurrence \(name) did not start: \(after.outcome?.description ?? after.held ?? "unknown")")
    }
}
