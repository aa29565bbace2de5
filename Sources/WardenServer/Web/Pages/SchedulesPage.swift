import Foundation
import HTTPTypes
import Hummingbird
import WardenCore

/// `GET /schedules` and `GET /schedules/{id}`: the maintenance windows of the
/// config as the API's `ScheduleView` shows them (runbook, inventory, when,
/// paused by whom and why, the next occurrences in the schedule's zone and in
/// UTC with what each will meet, what waits for an approver now, and the last
/// outcomes with their runs), so that the on-call person sees at a glance
/// what will run tonight and whether it may.
///
/// Its forms go through the same service calls as the API's routes, needing
/// the same permissions: pause and resume (`controlSchedule`, each with a
/// reason), approve or deny an occurrence's plan ahead (`approve`; the
/// service refuses the schedule's owner and anyone the gates do not list) and
/// run an occurrence now (`controlSchedule`). A refusal shows the page again
/// with why.
enum SchedulesPage {
    /// How many of its last occurrences each schedule shows on the list; its own page shows the API's 20.
    static let recentOnList = 5

    static func register(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("schedules") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                await page(visitor, services, only: nil)
            }
        }
        router.get("schedules/:id") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                await page(visitor, services, only: try context.pathParameter("id"))
            }
        }
        router.post("schedules/:id/pause") { request, context -> Response in
            try await WebGate.post(request, context, services, needs: .controlSchedule) { visitor, form in
                let id = try context.pathParameter("id")
                return await act(visitor, services, form: form, schedule: id) {
                    let reason = try WebField.required(form, "reason", "say why the schedule is paused")
                    try await services.schedules.pause(id, reason: reason, by: visitor.session.identity.name)
                    context.logger.notice("schedule paused", metadata: ["schedule": "\(VisibleText.line(id))", "by": "\(visitor.session.identity.name)"])
                }
            }
        }
        router.post("schedules/:id/resume") { request, context -> Response in
            try await WebGate.post(request, context, services, needs: .controlSchedule) { visitor, form in
                let id = try context.pathParameter("id")
                return await act(visitor, services, form: form, schedule: id) {
                    let reason = try WebField.required(form, "reason", "say why the schedule may run again")
                    try await services.schedules.resume(id, reason: reason, by: visitor.session.identity.name)
                    context.logger.notice("schedule resumed", metadata: ["schedule": "\(VisibleText.line(id))", "by": "\(visitor.session.identity.name)"])
                }
            }
        }
        for (path, decision) in [("approve", Approval.Decision.approve), ("deny", .deny)] {
            router.post("schedules/:id/occurrences/:time/\(path)") { request, context -> Response in
                try await WebGate.post(request, context, services, needs: .approve) { visitor, form in
                    let id = try context.pathParameter("id")
                    let time = try context.pathParameter("time")
                    return await act(visitor, services, form: form, schedule: id) {
                        let start = try occurrenceStart(time)
                        let planHash = try WebField.required(form, "plan_hash", "the hash of the plan you read (reload the page)")
                        _ = try await services.schedules.decide(decision, schedule: id, at: start, planHash: planHash,
                                                                comment: WebField.optional(form, "comment"), by: visitor.session.identity.name)
                    }
                }
            }
        }
        router.post("schedules/:id/occurrences/:time/run-now") { request, context -> Response in
            try await WebGate.post(request, context, services, needs: .controlSchedule) { visitor, form in
                let id = try context.pathParameter("id")
                let time = try context.pathParameter("time")
                return await act(visitor, services, form: form, schedule: id) {
                    let start = try occurrenceStart(time)
                    let run = try await services.schedules.runNow(id, at: start, identity: await services.runIdentity(visitor.session.identity))
                    context.logger.notice("scheduled occurrence run now", metadata: ["schedule": "\(VisibleText.line(id))", "run": "\(run)"])
                }
            }
        }
    }

    /// The occurrence a path names by its start in UTC (as the API reads it).
    private static func occurrenceStart(_ text: String) throws(WebRefusal) -> Date {
        guard let start = OccurrenceRecord.date(text) else {
            throw WebRefusal(message: "The occurrence's time must be its start in UTC, e.g. 2026-12-04T01:30:00Z, not '\(VisibleText.line(text))'.",
                             status: .badRequest)
        }
        return start
    }

    /// Runs a form's `action`; then 303 back to the page it came from, or that page again saying why not.
    private static func act(_ visitor: WebVisitor, _ services: ServeServices, form: WebForm, schedule id: String,
                            _ action: () async throws -> Void) async -> Response {
        // The list or the schedule's own page: one of two fixed places, never a path the form names.
        let toList = form["back"] == "/schedules"
        do {
            try await action()
        } catch {
            let refusal = WebRefusal(error)
            return await page(visitor, services, only: toList ? nil : id, problem: refusal.message, status: refusal.status)
        }
        return WebPage.redirect(toList ? "/schedules" : "/schedules/" + WebLink.segment(id))
    }

    /// The list (`only` nil) or one schedule's page, with `problem` in its alert.
    static func page(_ visitor: WebVisitor, _ services: ServeServices, only id: String?, problem: String? = nil,
                     status: HTTPResponse.Status = .ok) async -> Response {
        var shown: [(schedule: ScheduleView, recent: [OccurrenceView])] = []
        if let id {
            do throws(AdmissionError) {
                shown = [try await services.schedules.detail(id)]
            } catch {
                return WebPage.page(visitor, "message", title: "No such schedule", ["message": error.description, "back": "/schedules"],
                                    section: "/schedules", status: APIError(error).status)
            }
        } else {
            for view in await services.schedules.views() {
                // The same detail the schedule's page shows, its recent occurrences cut short.
                if let detail = try? await services.schedules.detail(view.id, recent: recentOnList) { shown.append(detail) }
            }
        }
        let title = id.map { "Schedule \($0)" } ?? "Schedules"
        return WebPage.page(visitor, "schedules", title: title, values(shown, single: id != nil, identity: visitor.session.identity, problem: problem),
                            section: "/schedules", status: status)
    }

    /// The values of `schedules.mustache`.
    static func values(_ schedules: [(schedule: ScheduleView, recent: [OccurrenceView])], single: Bool, identity: Identity,
                       problem: String?) -> [String: Any] {
        var values: [String: Any] = [
            "heading": single ? "Schedule \(schedules.first?.schedule.id ?? "")" : "Schedules",
            "single": single,
            "hasSchedules": !schedules.isEmpty,
            "schedules": schedules.enumerated().map { index, entry in
                schedule(entry.schedule, recent: entry.recent, number: index + 1, identity: identity)
            },
            "back": single ? "/schedules/" + WebLink.segment(schedules.first?.schedule.id ?? "") : "/schedules",
        ]
        if let problem { values["problem"] = problem }
        return values
    }

    private static func schedule(_ view: ScheduleView, recent: [OccurrenceView], number: Int, identity: Identity) -> [String: Any] {
        let path = "/schedules/" + WebLink.segment(view.id)
        let open = Dictionary(view.open.map { ($0.start, $0) }, uniquingKeysWith: { first, _ in first })
        let state = view.paused != nil ? "paused" : view.enabled ? "enabled" : "disabled"
        let mayApprove = identity.may(.approve)
        var values: [String: Any] = [
            "number": String(number),
            "id": view.id,
            "href": path,
            "runbook": view.runbook,
            "inventory": view.inventory,
            "expression": view.expression,
            "timezone": view.timezone,
            "duration": WebTime.span(view.durationSeconds),
            "catchup": WebTime.span(view.catchupSeconds),
            "overlap": view.overlap,
            "owner": view.owner,
            // A CSS class from a fixed set; the word beside it says the same.
            "state": state,
            "next": view.next.map { upcoming($0, schedule: view, record: open[$0.start]) },
            "hasNext": !view.next.isEmpty,
            "open": view.open.map { occurrence($0, path: path, mayApprove: mayApprove) },
            "hasOpen": !view.open.isEmpty,
            "recent": recent.map(outcome),
            "hasRecent": !recent.isEmpty,
            "mayControl": identity.may(.controlSchedule),
            "pauseAction": path + "/pause",
            "resumeAction": path + "/resume",
        ]
        if let ahead = view.approveAheadSeconds { values["approveAhead"] = WebTime.span(ahead) }
        if let paused = view.paused {
            values["paused"] = ["by": paused.by, "reason": paused.reason, "at": WebTime.values(paused.at)] as [String: Any]
        }
        // Run now: the next occurrence that has not ended and would not be skipped.
        if view.paused == nil, view.enabled, let next = view.next.first(where: { $0.outcome == nil && $0.blackout == nil }) {
            values["runNow"] = ["action": path + "/occurrences/" + WebLink.segment(next.start) + "/run-now", "local": next.local, "start": next.start]
        }
        return values
    }

    /// One upcoming occurrence: when, in the schedule's zone and in UTC, and what it will meet.
    private static func upcoming(_ upcoming: ScheduleView.Upcoming, schedule: ScheduleView, record: OccurrenceView?) -> [String: Any] {
        let (word, kind): (String, String) =
            if let outcome = upcoming.outcome { ("ended: \(outcome)", "ended") }
            else if let blackout = upcoming.blackout { ("blacked out (\(blackout)): it will be skipped", "blackout") }
            else if schedule.paused != nil { ("skipped while the schedule is paused", "paused") }
            else if !schedule.enabled { ("disabled", "disabled") }
            else if let record { state(of: record) }
            else if let ahead = schedule.approveAheadSeconds { ("approval opens \(WebTime.span(ahead)) before", "scheduled") }
            else { ("scheduled", "scheduled") }
        var notes: [String] = []
        if upcoming.ambiguous { notes.append("the clock shows this hour twice; it runs the first time") }
        if upcoming.shiftedByGap { notes.append("moved past a clock change") }
        var values: [String: Any] = ["start": upcoming.start, "utc": WebTime.text(iso: upcoming.start), "local": upcoming.local, "state": word,
                                     "stateClass": kind]
        if !notes.isEmpty { values["note"] = notes.joined(separator: "; ") }
        return values
    }

    /// Where an open occurrence stands, in words and as a class from a fixed set.
    private static func state(of occurrence: OccurrenceView) -> (String, String) {
        if let outcome = occurrence.outcome { return (outcome, "ended") }
        if occurrence.gates.contains(where: { $0.state == "denied" }) { return ("denied", "denied") }
        if !occurrence.gates.isEmpty, occurrence.gates.allSatisfy({ $0.state == "approved" }) { return ("approved ahead", "approved") }
        if !occurrence.gates.isEmpty { return ("waiting for approval", "waiting") }
        // The scheduler's own words ("waiting for approval of plan ...", "queued behind ...").
        if let held = occurrence.held { return (held, "waiting") }
        return occurrence.run != nil ? ("starting", "scheduled") : ("planned", "scheduled")
    }

    /// An occurrence that waits now: its plan, its gates and their approvals, its decisions, and the approver's form.
    private static func occurrence(_ occurrence: OccurrenceView, path: String, mayApprove: Bool) -> [String: Any] {
        let (word, kind) = state(of: occurrence)
        let base = path + "/occurrences/" + WebLink.segment(occurrence.start)
        var values: [String: Any] = [
            "start": occurrence.start, "utc": WebTime.text(iso: occurrence.start), "local": occurrence.local,
            "windowEnd": occurrence.windowEnd, "windowEndText": WebTime.text(iso: occurrence.windowEnd),
            "state": word, "stateClass": kind,
            "changes": occurrence.changes.map { ["text": $0] },
            "hasChanges": !occurrence.changes.isEmpty,
            "gates": occurrence.gates.map { gate -> [String: Any] in
                ["step": gate.step, "quorum": String(gate.quorum), "state": gate.state, "stateClass": gateClass(gate.state),
                 "approvedBy": gate.approvedBy.isEmpty ? "nobody yet" : gate.approvedBy.joined(separator: ", "),
                 "approvers": gate.approvers.isEmpty ? "any approver but the owner" : gate.approvers.joined(separator: ", ")]
            },
            "hasGates": !occurrence.gates.isEmpty,
            "decisions": occurrence.decisions.map { decision -> [String: Any] in
                var values: [String: Any] = ["by": decision.by, "decision": decision.decision == "deny" ? "denied" : "approved",
                                             "at": WebTime.values(decision.at)]
                if let comment = decision.comment { values["comment"] = comment }
                return values
            },
            "hasDecisions": !occurrence.decisions.isEmpty,
            "approveAction": base + "/approve",
            "denyAction": base + "/deny",
            // Only a plan can be approved ahead, only before the occurrence starts.
            "mayDecide": mayApprove && occurrence.planHash != nil && occurrence.outcome == nil && occurrence.run == nil,
        ]
        if let held = occurrence.held { values["held"] = held }
        if let hash = occurrence.planHash { values["planHash"] = hash }
        return values
    }

    /// One of the last occurrences: when, how it ended, and its run.
    private static func outcome(_ occurrence: OccurrenceView) -> [String: Any] {
        let word = occurrence.outcome ?? occurrence.held ?? "open"
        var values: [String: Any] = ["start": occurrence.start, "utc": WebTime.text(iso: occurrence.start), "local": occurrence.local, "outcome": word,
                                     "outcomeClass": outcomeClass(occurrence.outcomeKind)]
        if let run = occurrence.run { values["runLink"] = ["href": WebLink.run(run), "id": run] }
        return values
    }

    /// The CSS class of an outcome's kind: the kinds `ScheduleOutcome` has, else `open`.
    private static func outcomeClass(_ kind: String?) -> String {
        let known: Set = ["started", "skipped-overlap", "missed", "skipped-blackout", "not-approved", "plan-blocked", "disabled", "paused", "start-failed"]
        guard let kind, known.contains(kind) else { return "open" }
        return kind
    }

    private static func gateClass(_ state: String) -> String {
        ["approved", "waiting", "denied"].contains(state) ? state : "waiting"
    }
}
