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
            return JSONResponse.make(["schedules": await services.schedules.views()])
        }
        api.get("schedules/:id") { request, context -> Response in
            _ = try context.require(.read)
            let id = try context.pathParameter("id")
            let count = try RunListing.integer(request.uri.queryParameters["next"].map(String.init), named: "next", default: 5, in: 1...100)
            let detail: (schedule: ScheduleView, recent: [OccurrenceView])
            do throws(AdmissionError) {
                detail = try await services.schedules.detail(id, count: count)
            } catch {
                throw APIError(error)
            }
            return JSONResponse.make(ScheduleDetail(schedule: detail.schedule, recent: detail.recent))
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
            do throws(AdmissionError) {
                try await services.schedules.pause(id, reason: body.reason, by: identity.name)
            } catch {
                // The one thing a pause can lack is its reason.
                throw error.kind == .invalidInput ? APIError(.unprocessableContent, error.description, field: "reason") : APIError(error)
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
        do throws(AdmissionError) {
            return JSONResponse.make(try await services.schedules.detail(id).schedule)
        } catch {
            throw APIError(error)
        }
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
