import Foundation

/// An approver's decision on a scheduled occurrence's plan, given ahead of
/// its window: the one place that says who may decide and what it binds to,
/// for the daemon's API and `warden approve SCHEDULE@TIME` alike.
public enum OccurrenceDecision {
    /// The event that records `person`'s `decision` on the occurrence's current plan, or why it
    /// may not be recorded: nothing planned yet, the occurrence ended, the plan was made again
    /// since (another hash), the gates' terms do not let this person decide (never the schedule's
    /// owner; only their listed approvers), signed decisions are required, or it was made already.
    public static func draft(_ decision: Approval.Decision, on record: OccurrenceRecord?, schedule: String, start: Date, planHash: String,
                             comment: String?, by person: String, policy: ApprovalPolicy) throws(AdmissionError) -> ScheduleEventDraft {
        let name = "\(schedule)@\(OccurrenceRecord.text(start))"
        guard let record, let plan = record.plan, let current = record.planHash else {
            throw AdmissionError(.notFound, "occurrence \(name) has no plan to decide on yet: it is planned ahead by approve_ahead before it starts")
        }
        if let outcome = record.outcome { throw AdmissionError(.conflict, "occurrence \(name) already ended: \(outcome)") }
        guard planHash == current else {
            throw AdmissionError(.planChanged, "occurrence \(name) was planned again: its plan is now \(current), not \(planHash); read the new plan and its changes",
                                 plan: plan.plan)
        }
        let terms = plan.gates.map { policy.tighten($0.terms, runbook: plan.plan.runbook) }
        if terms.contains(where: \.requireSignatures) {
            throw AdmissionError(.conflict, "the site policy requires signed approvals, and a decision given ahead cannot be signed for a run that does not exist yet: "
                                 + "approve the run at its gate when the window opens (warden approve RUN --key ...)")
        }
        let refusals = terms.compactMap { $0.refusal(of: person, initiator: plan.owner, decision: decision) }
        if refusals.count == terms.count, let first = refusals.first {
            throw AdmissionError(.forbidden, first.replacingOccurrences(of: "you (\(person)) started this run", with: "\(person) owns schedule \(schedule), whose run this is"))
        }
        let kind: ScheduleEventEntry.Kind = decision == .approve ? .approved : .denied
        if record.decisions.contains(where: { $0.actor == person && $0.planHash == current && $0.kind == kind }) {
            throw AdmissionError(.conflict, "\(person) already \(decision == .approve ? "approved" : "denied") plan \(current) of occurrence \(name)")
        }
        return ScheduleEventDraft(schedule: schedule, occurrence: start.timeIntervalSince1970, kind: kind, actor: person, planHash: current,
                                  detail: comment.map { VisibleText.line($0) })
    }
}
