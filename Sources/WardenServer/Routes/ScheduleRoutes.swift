import Foundation
import Hummingbird
import WardenCore

/// Scheduled maintenance windows: `GET /schedules` (each with its next
/// occurrences, last outcome and what waits), `GET /schedules/{id}`, `GET
/// /schedules/{id}/occurrences/{time}` (the plan an approver reads), `POST
/// .../approve` and `.../deny` (approver), `POST /schedules/{id}/pause` and
/// `/resume` and `POST .../occurrences/{time}/run-now` (operator).
enum ScheduleRoutes {
    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.get("schedules") { _, context -> Response in
            _ = try context.require(.read)
            let (schedules, blackouts, book, now) = await services.schedules.snapshot()
            let policy = await services.dispatcher.settings.policy
            return JSONResponse.make(["schedules": schedules.map { ScheduleView($0, book: book, blackouts: blackouts, now: now, policy: policy) }])
        }
        api.get("schedules/:id") { request, context -> Response in
            _ = try context.require(.read)
            let id = try context.pathParameter("id")
            let count = try RunListing.integer(request.uri.queryParameters["next"].map(String.init), named: "next", default: 5, in: 1...100)
            let schedule = try await schedule(id, services)
            let (_, blackouts, book, now) = await services.schedules.snapshot()
            let policy = await services.dispatcher.settings.policy
            var view = ScheduleDetail(schedule: ScheduleView(schedule, book: book, blackouts: blackouts, now: now, policy: policy, count: count), recent: [])
            view.recent = book.occurrences(of: id).suffix(20).reversed().map { OccurrenceView($0, schedule: schedule, policy: policy, withPlan: false) }
            return JSONResponse.make(view)
        }
        api.get("schedules/:id/occurrences/:time") { _, context -> Response in
            _ = try context.require(.read)
            let (schedule, start) = try await occurrence(context, services)
            let (_, _, book, _) = await services.schedules.snapshot()
            guard let record = book.occurrence(schedule.id, at: start) else {
                throw APIError(.notFound, "occurrence \(schedule.id)@\(OccurrenceRecord.text(start)) has nothing journaled yet"
                               + (schedule.approveAhead.map { " (it is planned \(DurationText.format($0)) before it starts)" } ?? ""))
            }
            return JSONResponse.make(OccurrenceView(record, schedule: schedule, policy: await services.dispatcher.settings.policy, withPlan: true))
        }
        for (path, decision) in [("approve", Approval.Decision.approve), ("deny", .deny)] {
            api.post("schedules/:id/occurrences/:time/\(path)") { request, context -> Response in
                let identity = try context.require(.approve)
                let (schedule, start) = try await occurrence(context, services)
                let body = try await PlanApprovalBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
                let record: OccurrenceRecord
                do throws(AdmissionError) {
                    record = try await services.schedules.decide(decision, schedule: schedule.id, at: start, planHash: body.planHash, comment: body.comment,
                                                                 by: identity.name)
                } catch {
                    throw APIError(error)
                }
                return JSONResponse.make(OccurrenceView(record, schedule: schedule, policy: await services.dispatcher.settings.policy, withPlan: false))
            }
        }
        api.post("schedules/:id/pause") { request, context -> Response in
            let identity = try context.require(.controlSchedule)
            let id = try context.pathParameter("id")
            let body = try await PauseBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            guard !body.reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw APIError(.unprocessableContent, "say why", field: "reason") }
            do throws(AdmissionError) {
                try await services.schedules.pause(id, reason: body.reason, by: identity.name)
            } catch {
                throw APIError(error)
            }
            context.logger.notice("schedule paused", metadata: ["schedule": "\(id)", "by": "\(identity.name)"])
            return try await detail(id, services)
        }
        api.post("schedules/:id/resume") { _, context -> Response in
            let identity = try context.require(.controlSchedule)
            let id = try context.pathParameter("id")
            do throws(AdmissionError) {
                try await services.schedules.resume(id, by: identity.name)
            } catch {
                throw APIError(error)
            }
            context.logger.notice("schedule resumed", metadata: ["schedule": "\(id)", "by": "\(identity.name)"])
            return try await detail(id, services)
        }
        api.post("schedules/:id/occurrences/:time/run-now") { _, context -> Response in
            let identity = try context.require(.controlSchedule)
            let (schedule, start) = try await occurrence(context, services)
            let run: String
            do throws(AdmissionError) {
                run = try await services.schedules.runNow(schedule.id, at: start, identity: await services.runIdentity(identity))
            } catch {
                throw APIError(error)
            }
            return JSONResponse.make(["run": run, "occurrence": "\(schedule.id)@\(OccurrenceRecord.text(start))"], status: .accepted)
        }
    }

    struct ScheduleDetail: Encodable {
        let schedule: ScheduleView
        var recent: [OccurrenceView]

        func encode(to encoder: any Encoder) throws {
            try schedule.encode(to: encoder)
            var container = encoder.container(keyedBy: JSONKey.self)
            try container.encode(recent, forKey: JSONKey("recent"))
        }
    }

    private static func detail(_ id: String, _ services: ServeServices) async throws -> Response {
        let schedule = try await schedule(id, services)
        let (_, blackouts, book, now) = await services.schedules.snapshot()
        return JSONResponse.make(ScheduleView(schedule, book: book, blackouts: blackouts, now: now, policy: await services.dispatcher.settings.policy))
    }

    private static func schedule(_ id: String, _ services: ServeServices) async throws(APIError) -> Schedule {
        do throws(AdmissionError) {
            return try await services.schedules.schedule(id)
        } catch {
            throw APIError(error)
        }
    }

    /// The schedule and occurrence a path names; the time is RFC 3339 UTC (`2026-12-04T01:30:00Z`) or seconds since 1970.
    private static func occurrence(_ context: WardenRequestContext, _ services: ServeServices) async throws -> (Schedule, Date) {
        let schedule = try await schedule(try context.pathParameter("id"), services)
        let text = try context.pathParameter("time")
        guard let start = OccurrenceRecord.date(text) else {
            throw APIError(.badRequest, "time must be the occurrence's start in UTC, e.g. 2026-12-04T01:30:00Z, got '\(VisibleText.line(text))'", field: "time")
        }
        return (schedule, start)
    }
}
