import Foundation
import Hummingbird
import NIOCore
import WardenCore

/// The alert receiver and what it decided: `POST /alerts/alertmanager`
/// (role `alerts`), `GET /incidents`, `GET /incidents/{id}`, `POST
/// /incidents/{id}/close` (operator), `POST /incidents/{id}/approve`
/// (approver) and `GET /decisions`.
enum AlertRoutes {
    /// The largest webhook body read (Alertmanager's deliveries are far smaller; `max_alerts` bounds them).
    static let maximumDeliveryBytes = 1 << 20

    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.post("alerts/alertmanager") { request, context -> Response in
            let identity = try context.require(.deliverAlerts)
            var request = request
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: maximumDeliveryBytes)
            } catch {
                services.metrics.alertDelivery("rejected")
                throw APIError(.contentTooLarge, "the delivery is over \(maximumDeliveryBytes) bytes; set max_alerts on the webhook receiver")
            }
            let received: (input: Int, invalid: AlertmanagerDeliveryError?)
            do {
                received = try await services.alerts.receive(Array(buffer.readableBytesView), from: identity.name)
            } catch {
                // Alertmanager retries a 5xx: nothing is lost while the journal cannot be written.
                throw APIError(.serviceUnavailable, "the delivery could not be journaled: \(error)")
            }
            if let invalid = received.invalid {
                throw APIError(.badRequest, "not an Alertmanager webhook delivery (version 4): \(invalid)", field: invalid.path,
                               extra: ["input": .int(received.input)])
            }
            return JSONResponse.make(["input": received.input], status: .accepted)
        }
        api.get("incidents") { request, context -> Response in
            _ = try context.require(.read)
            let status = request.uri.queryParameters["status"].map(String.init)
            guard status == nil || status == "open" || status == "closed" else {
                throw APIError(.badRequest, "status must be open or closed", field: "status")
            }
            let incidents = try await incidentViews(services).filter { status == nil || $0.status == status }
            return JSONResponse.make(["incidents": incidents])
        }
        api.get("incidents/:id") { _, context -> Response in
            _ = try context.require(.read)
            let id = try context.pathParameter("id")
            guard let incident = try await incidentViews(services).first(where: { $0.id == id }) else {
                throw APIError(.notFound, "no incident '\(VisibleText.line(id))'")
            }
            var detail = IncidentDetail(incident: incident, waitingForApproval: nil)
            if let pending = await IncidentBoard.waitingForApproval(id, services) {
                detail.waitingForApproval = PendingStart(runbook: pending.runbook, inventory: pending.inventory, params: pending.params)
            }
            return JSONResponse.make(detail)
        }
        api.post("incidents/:id/close") { request, context -> Response in
            let identity = try context.require(.closeIncident)
            let id = try context.pathParameter("id")
            let body = try await ReasonBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            do throws(AdmissionError) {
                try await IncidentBoard.close(id, reason: body.reason, by: identity.name, services)
            } catch {
                switch error.kind {
                case .invalidInput: throw APIError(.unprocessableContent, error.description, field: "reason")
                // The journal cannot be written now: the client may try again.
                case .failed: throw APIError(.serviceUnavailable, error.description)
                default: throw APIError(error)
                }
            }
            context.logger.notice("incident closed by hand", metadata: ["incident": "\(VisibleText.line(id))", "by": "\(identity.name)"])
            guard let incident = try await incidentViews(services).first(where: { $0.id == id }) else {
                throw APIError(.internalServerError, "incident \(id) was closed but cannot be read back")
            }
            return JSONResponse.make(incident)
        }
        api.post("incidents/:id/approve") { request, context -> Response in
            let identity = try context.require(.approve)
            let id = try context.pathParameter("id")
            let body = try await PlanApprovalBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            var runIdentity = await services.runIdentity(identity)
            runIdentity.trigger = .alert
            let run: String
            do throws(AdmissionError) {
                run = try await services.alerts.approve(incident: id, planHash: body.planHash, identity: runIdentity)
            } catch {
                throw APIError(error)
            }
            return JSONResponse.make(["run": run, "incident": id], status: .accepted)
        }
        api.get("decisions") { request, context -> Response in
            _ = try context.require(.read)
            let parameters = request.uri.queryParameters
            let after = try RunListing.integer(parameters["after"].map(String.init), named: "after", default: 0, in: 0...Int.max)
            let limit = try RunListing.integer(parameters["limit"].map(String.init), named: "limit", default: 500, in: 1...5000)
            var since: Double?
            if let text = parameters["since"].map(String.init) {
                guard let date = AlertTimestamp.parse(text) else {
                    throw APIError(.badRequest, "since must be an RFC 3339 time such as 2026-12-03T02:00:00Z", field: "since")
                }
                since = date.date.timeIntervalSince1970
            }
            let decisions: [AlertDecisionEntry]
            do {
                decisions = try await services.journal.alertDecisions(from: after + 1, limit: since == nil ? limit : .max)
            } catch {
                throw APIError(.internalServerError, "\(error)")
            }
            let page = Array(decisions.filter { since == nil || $0.at >= since ?? 0 }.prefix(limit))
            return JSONResponse.make(DecisionPage(decisions: page, next: page.count == limit ? page.last?.sequence : nil))
        }
    }

    private static func incidentViews(_ services: ServeServices) async throws(APIError) -> [IncidentView] {
        do throws(JournalError) {
            return try await IncidentBoard.views(services)
        } catch {
            throw APIError(.internalServerError, "\(error)")
        }
    }

    struct DecisionPage: Encodable {
        let decisions: [AlertDecisionEntry]
        /// Pass as `after` for the next page; nil on the last one.
        let next: Int?
    }

    struct PendingStart: Encodable {
        let runbook: String
        let inventory: String
        let params: [String: String]
    }

    struct IncidentDetail: Encodable {
        let incident: IncidentView
        var waitingForApproval: PendingStart?

        func encode(to encoder: any Encoder) throws {
            try incident.encode(to: encoder)
            var container = encoder.container(keyedBy: JSONKey.self)
            try container.encodeIfPresent(waitingForApproval, forKey: JSONKey("waiting_for_approval"))
        }
    }
}
