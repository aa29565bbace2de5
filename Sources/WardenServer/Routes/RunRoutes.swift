import Foundation
import HTTPTypes
import Hummingbird
import WardenCore

/// The runs in the journal (whoever started them: `warden run` at a terminal,
/// the API, a schedule or an alert): a page at a time, one in detail, its
/// events as a stream or as pages, and cancelling and resuming it.
enum RunRoutes {
    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.get("runs") { request, context -> Response in
            _ = try context.require(.read)
            let query = try RunListing.query(request.uri.queryParameters)
            let runs: [JournalRun]
            do {
                runs = try await services.journal.runs(query)
            } catch {
                throw APIError(.internalServerError, "\(error)")
            }
            let next = runs.count == query.limit ? runs.last.map { RunListing.cursor(RunQuery.Cursor(after: $0)) } : nil
            return JSONResponse.make(RunListing(runs: runs.map(RunListing.Item.init), nextCursor: next))
        }
        api.get("runs/:id") { _, context -> Response in
            _ = try context.require(.read)
            let id = try context.pathParameter("id")
            let detail: RunDetail?
            do {
                detail = try await RunDetail.read(id, from: services.journal)
            } catch {
                throw APIError(.internalServerError, "\(error)")
            }
            guard let detail else { throw APIError(.notFound, "no run '\(VisibleText.line(id))' in the journal") }
            return JSONResponse.make(detail)
        }
        api.get("runs/:id/events") { request, context -> Response in
            _ = try context.require(.read)
            let id = try context.pathParameter("id")
            guard (try? await services.journal.run(id)) != nil else { throw APIError(.notFound, "no run '\(VisibleText.line(id))' in the journal") }
            let parameters = request.uri.queryParameters
            // Bounded: the next sequence asked for is after + 1, which must not overflow (Int.max would stop the daemon).
            let after = try RunListing.integer(parameters["after"].map(String.init) ?? request.headers[HTTPField.Name("Last-Event-ID")!], named: "after",
                                               default: 0, in: 0...Int(Int32.max))
            if request.headers[.accept]?.contains("text/event-stream") == true {
                return EventStream(journal: services.journal, hub: services.streams, runID: id, after: after, heartbeat: services.heartbeat).response()
            }
            let limit = try RunListing.integer(parameters["limit"].map(String.init), named: "limit", default: 500, in: 1...5000)
            let events: [JournalEvent]
            let run: JournalRun?
            do {
                events = Array(try await services.journal.events(of: id, from: after + 1).prefix(limit))
                run = try await services.journal.run(id)
            } catch {
                throw APIError(.internalServerError, "\(error)")
            }
            let last = events.last?.sequence ?? after
            let ended: Bool = if case .ended? = run?.status { true } else { false }
            return JSONResponse.make(EventPage(events: events, after: last, runStatus: run?.status.rawValue ?? "unknown",
                                               finished: ended && events.count < limit))
        }
        api.post("runs/:id/cancel") { request, context -> Response in
            let identity = try context.require(.cancelRun)
            let id = try context.pathParameter("id")
            let body = try await ReasonBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw APIError(.unprocessableContent, "'reason' must say why the run is cancelled", field: "reason") }
            let cancellation: RunDispatcher.Cancellation
            do throws(AdmissionError) {
                cancellation = try await services.dispatcher.cancel(id, by: identity.name, reason: reason)
            } catch {
                throw APIError(error)
            }
            switch cancellation {
            case .stopping:
                context.logger.notice("run cancelled", metadata: ["run": "\(id)"])
                return JSONResponse.make(["run_id": id, "status": "cancelling"], status: .accepted)
            case let .requested(carrier):
                // Carried elsewhere: the request is in the journal for its carrier (or its adopter).
                context.logger.notice("run cancel requested of its carrier", metadata: ["run": "\(id)", "carrier": "\(carrier)"])
                return JSONResponse.make(["run_id": id, "status": "stop requested", "carrier": carrier], status: .accepted)
            }
        }
        api.post("runs/:id/resume") { request, context -> Response in
            let identity = try context.require(.resumeRun)
            let id = try context.pathParameter("id")
            let body = try await ResumeBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            var assumption: ResumeRequest.Assumption?
            if let assume = body.assume {
                guard let given = ResumeRequest.Assumption(rawValue: assume) else {
                    throw APIError(.badRequest, "'assume' must be 'done' or 'not-done'", field: "assume")
                }
                assumption = given
            }
            var inventory: String?
            if let name = body.inventory {
                guard let path = await services.state.configuration.inventories[name] else {
                    throw APIError(.notFound, "no inventory '\(VisibleText.line(name))' in the config", field: "inventory")
                }
                inventory = path
            }
            do throws(AdmissionError) {
                _ = try await services.dispatcher.resume(id, inventory: inventory, assume: assumption, values: body.params ?? [:],
                                                         identity: await services.runIdentity(identity))
            } catch {
                throw APIError(error)
            }
            await services.adoptions.settled(id)
            return JSONResponse.make(["run_id": id, "status": "resumed"], status: .accepted)
        }
    }

    /// A page of events for clients that cannot stream: `after` is the sequence to ask from next.
    struct EventPage: Encodable {
        let events: [JournalEvent]
        let after: Int
        let runStatus: String
        /// The run ended and this page holds its last event: there will be no more.
        let finished: Bool

        enum CodingKeys: String, CodingKey {
            case events, after, finished
            case runStatus = "run_status"
        }
    }
}
