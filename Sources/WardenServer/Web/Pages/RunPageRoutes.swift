import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore

/// The run page's routes: the page, its live part alone, the run's events as
/// a stream for the page's script (the API's stream, signed in by the
/// session instead of a token), downloads (the journal as text, a host's
/// whole output, a collected file: always attachments, never shown inline),
/// and the Cancel and Approve/Deny forms, which decide exactly where the API
/// does (`RunDispatcher.cancel`, `ApprovalRoutes.decide`).
enum RunPageRoutes {
    static func register(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("runs/:id") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let id = try context.pathParameter("id")
                guard let inputs = try await inputs(id, visitor: visitor, services: services) else { return notFound(visitor, id) }
                return WebPage.page(visitor, "run", title: "\(inputs.detail.run.runbook) \(id)", RunPage.values(inputs), section: "/")
            }
        }
        router.get("runs/:id/live") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let id = try context.pathParameter("id")
                guard let inputs = try await inputs(id, visitor: visitor, services: services) else { return notFound(visitor, id) }
                var values = RunPage.values(inputs)
                values["csrf"] = visitor.session.csrf
                return WebPage.render("run-live", values)
            }
        }
        router.get("runs/:id/stream") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let id = try context.pathParameter("id")
                guard (try? await services.journal.run(id)) != nil else { return notFound(visitor, id) }
                let after = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int($0) }.map { min(max($0, 0), Int(Int32.max)) } ?? 0
                return EventStream(journal: services.journal, hub: services.streams, runID: id, after: after, heartbeat: services.heartbeat).response()
            }
        }
        router.get("runs/:id/journal.txt") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let id = try context.pathParameter("id")
                guard let run = try await services.journal.run(id) else { return notFound(visitor, id) }
                let events = try await services.journal.events(of: id)
                let lines = events.map(JournalLine.line)
                return attachment("run \(run.id) (\(run.runbook)): \(run.status.rawValue)\n" + lines.joined(separator: "\n") + "\n",
                                  name: "\(WebLink.segment(id))-journal.txt")
            }
        }
        router.get("runs/:id/output/:sequence/:stream") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let id = try context.pathParameter("id")
                let stream = try context.pathParameter("stream")
                guard let sequence = Int(try context.pathParameter("sequence")), ["stdout", "stderr"].contains(stream),
                      let event = try await services.journal.events(of: id, from: sequence).first, event.sequence == sequence,
                      let record = event.outcomeRecord, case let .string(text)? = record[stream] else {
                    return WebPage.page(visitor, "message", title: "No such output", ["message": "That output is not in the journal."], status: .notFound)
                }
                return attachment(text, name: "\(WebLink.segment(id))-\(WebLink.segment(event.step ?? "step"))-\(WebLink.segment(event.host ?? "host"))-\(stream).txt")
            }
        }
        router.get("runs/:id/artifacts/:index") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let id = try context.pathParameter("id")
                guard let index = Int(try context.pathParameter("index")), let detail = try await RunDetail.read(id, from: services.journal),
                      detail.artifacts.indices.contains(index) else {
                    return WebPage.page(visitor, "message", title: "No such file", ["message": "That file is not among the run's collected files."], status: .notFound)
                }
                let artifact = detail.artifacts[index]
                let state = await services.state.configuration.state
                switch ArtifactDownload.read(artifact.local, runID: id, state: state) {
                case let .success(data):
                    var response = Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "no-store"],
                                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
                    response.headers[.contentDisposition] = "attachment; filename=\"\(WebLink.segment((artifact.path as NSString).lastPathComponent))\""
                    return response
                case let .failure(problem):
                    return WebPage.page(visitor, "message", title: "File unavailable", ["message": problem.message], status: problem.status)
                }
            }
        }
        router.post("runs/:id/cancel") { request, context -> Response in
            try await WebGate.post(request, context, services, needs: .cancelRun) { visitor, form in
                let id = try context.pathParameter("id")
                let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !reason.isEmpty else { return try await refused(id, "A cancellation needs a reason: say why the run is cancelled.", .unprocessableContent, visitor, services) }
                do throws(AdmissionError) {
                    try await services.dispatcher.cancel(id, by: visitor.session.identity.name, reason: reason)
                } catch {
                    let answer = APIError(error)
                    return try await refused(id, "The run was not cancelled: \(answer.message)", answer.status, visitor, services)
                }
                context.logger.notice("run cancelled from the web UI", metadata: ["run": "\(id)"])
                return WebPage.redirect(WebLink.run(id))
            }
        }
        router.post("runs/:id/decision") { request, context -> Response in
            try await WebGate.post(request, context, services, needs: .approve) { visitor, form in
                let id = try context.pathParameter("id")
                guard let decision = form["decision"].flatMap(Approval.Decision.init(rawValue:)) else {
                    return try await refused(id, "The form must say 'approve' or 'deny' (field 'decision').", .badRequest, visitor, services)
                }
                // The page showed this plan: a decision is never taken on a plan the approver did not see.
                if let shown = form["plan_hash"], let run = try await services.journal.run(id), shown != run.planHash {
                    return try await refused(id, "The run's plan is \(run.planHash), not the \(shown) the page showed: read it again before deciding.",
                                             .conflict, visitor, services)
                }
                do throws(APIError) {
                    _ = try await ApprovalRoutes.decide(id, decision, comment: form["comment"], by: visitor.session.identity, services: services)
                } catch {
                    return try await refused(id, "Not recorded: \(error.message).", error.status, visitor, services)
                }
                context.logger.notice("approval recorded from the web UI", metadata: ["run": "\(id)", "decision": "\(decision.rawValue)"])
                return WebPage.redirect(WebLink.run(id))
            }
        }
    }

    /// What the run page of `id` needs, read from the journal; nil when there is no such run.
    static func inputs(_ id: String, visitor: WebVisitor, services: ServeServices, problem: String? = nil) async throws -> RunPage.Inputs? {
        guard let (detail, events) = try await RunDetail.readWithEvents(id, from: services.journal) else { return nil }
        var pending: PendingApproval?
        if detail.waitingForApproval != nil {
            pending = try? await PendingApproval.find(id, in: services.journal, policy: await services.dispatcher.settings.policy)
        }
        return RunPage.Inputs(detail: detail, events: events, pending: pending, visitor: visitor,
                              now: services.clock.now.timeIntervalSince1970, problem: problem)
    }

    /// The run page again with `problem` at its top, answering `status`: the form's refusal, where it was sent from.
    private static func refused(_ id: String, _ problem: String, _ status: HTTPResponse.Status, _ visitor: WebVisitor,
                                _ services: ServeServices) async throws -> Response {
        guard let inputs = try await inputs(id, visitor: visitor, services: services, problem: problem) else { return notFound(visitor, id) }
        return WebPage.page(visitor, "run", title: "\(inputs.detail.run.runbook) \(id)", RunPage.values(inputs), section: "/", status: status)
    }

    private static func notFound(_ visitor: WebVisitor, _ id: String) -> Response {
        WebPage.page(visitor, "message", title: "No such run", ["message": "There is no run '\(VisibleText.line(id))' in the journal.", "back": "/"],
                     status: .notFound)
    }

    /// A download: plain text the browser saves (never renders), under `name`.
    private static func attachment(_ text: String, name: String) -> Response {
        var response = Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        return response
    }
}
