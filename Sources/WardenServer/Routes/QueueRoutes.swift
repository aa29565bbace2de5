import Foundation
import Hummingbird
import WardenCore

/// The work queue (`WorkItem`): the runs requested through the API that wait for a controller
/// with room, the recent ones and what became of them, and taking one back before it starts.
enum QueueRoutes {
    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.get("queue") { _, context -> Response in
            _ = try context.require(.read)
            let items: (open: [WorkItem], closed: [WorkItem])
            do {
                items = try await services.journal.workItems(closedLimit: 50)
            } catch {
                throw APIError(.internalServerError, "\(error)")
            }
            return JSONResponse.make(Listing(open: items.open.map(View.init), recent: items.closed.map(View.init)))
        }
        api.get("queue/:id") { _, context -> Response in
            _ = try context.require(.read)
            let id = try context.pathParameter("id")
            guard let item = try await item(id, services: services) else {
                throw APIError(.notFound, "no work item '\(VisibleText.line(id))' in the journal")
            }
            return JSONResponse.make(View(item))
        }
        api.post("queue/:id/withdraw") { request, context -> Response in
            let identity = try context.require(.cancelRun)
            let id = try context.pathParameter("id")
            let body = try await WithdrawBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw APIError(.unprocessableContent, "'reason' must say why the request is withdrawn", field: "reason") }
            let item: WorkItem
            do throws(JournalError) {
                item = try await services.journal.withdraw(item: id, by: identity.name, reason: reason, at: services.clock.now)
            } catch {
                switch error.kind {
                case .noSuchRun: throw APIError(.notFound, "no work item '\(VisibleText.line(id))' in the journal")
                case .alreadyClaimed: throw APIError(.conflict, error.description)
                default: throw APIError(.internalServerError, "\(error)")
                }
            }
            context.logger.notice("queued run withdrawn", metadata: ["item": "\(id)"])
            return JSONResponse.make(View(item))
        }
    }

    private static func item(_ id: String, services: ServeServices) async throws(APIError) -> WorkItem? {
        do {
            return try await services.journal.workItem(id)
        } catch {
            throw APIError(.internalServerError, "\(error)")
        }
    }

    struct Listing: Encodable {
        /// Waiting or claimed, oldest first.
        let open: [View]
        /// The 50 most recent that started, were refused, expired or were withdrawn, newest first.
        let recent: [View]
    }

    /// A work item as the API shows it: its request read out, never its raw payload.
    struct View: Encodable {
        let item: WorkItem
        let request: QueuedRun?

        init(_ item: WorkItem) {
            self.item = item
            request = QueuedRun.from(item)
        }

        enum CodingKeys: String, CodingKey {
            case request
        }

        func encode(to encoder: any Encoder) throws {
            try item.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(request, forKey: .request)
        }
    }
}
