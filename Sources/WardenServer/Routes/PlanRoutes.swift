import Foundation
import Hummingbird
import WardenCore

/// `POST /plans` and `POST /runs`: a plan made on the hosts' real state
/// (nothing mutating is sent), and a start that goes ahead only when a fresh
/// plan has the hash the caller read, so what runs is what was confirmed.
///
/// A start is kept as a work item (`WorkItem`) claimed at once by this daemon when it has room;
/// with `"queue": true` a daemon without room leaves it for any controller sharing the journal
/// (202 with the item), and an `Idempotency-Key` makes a request sent again the same item.
enum PlanRoutes {
    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.post("plans") { request, context -> Response in
            let identity = try context.require(.plan)
            let body = try await PlanBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            let (runbook, inventory) = try await CatalogRoutes.resolve(runbook: body.runbook, inventory: body.inventory, in: services.state)
            let run = RunRequest(runbook: runbook, inventoryName: body.inventory, inventoryPath: inventory, values: body.params ?? [:],
                                 limit: body.limit, identity: await services.runIdentity(identity))
            do throws(AdmissionError) {
                return JSONResponse.make(try await services.dispatcher.plan(run))
            } catch {
                throw APIError(error)
            }
        }
        api.post("runs") { request, context -> Response in
            let identity = try context.require(.startRun)
            let body = try await StartBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            let key = try IdempotencyKey.read(request.headers)
            let (runbook, inventory) = try await CatalogRoutes.resolve(runbook: body.runbook, inventory: body.inventory, in: services.state)
            let run = RunRequest(runbook: runbook, inventoryName: body.inventory, inventoryPath: inventory, values: body.params ?? [:],
                                 limit: body.limit, planHash: body.planHash, identity: await services.runIdentity(identity))
            let queueing = body.queue ?? false
            let secrets = Set(runbook.parameters.filter(\.secret).map(\.name))
            guard (body.params ?? [:]).keys.allSatisfy({ !secrets.contains($0) }) else {
                // A queued request is stored, and a secret must never be: such a run starts here or not at all.
                if queueing || key != nil {
                    throw APIError(.unprocessableContent, "a secret parameter is given, so the run cannot be queued or sent again by key "
                                   + "(the request would be stored in the journal, secrets included): start it without \"queue\" and Idempotency-Key",
                                   field: queueing ? "queue" : "Idempotency-Key")
                }
                return try await startHere(run, context: context, services: services)
            }
            let requested = QueuedRun(runbook: runbook.name, inventory: body.inventory, params: body.params ?? [:], limit: body.limit,
                                      planHash: body.planHash, user: run.identity.user, proof: run.identity.proof)
            let itemID = key.map { QueuedRun.itemID(requester: identity.name, key: $0) } ?? WorkItem.newID()
            if key != nil, let earlier = try? await services.journal.workItem(itemID) {
                return try answer(earlier, planHash: body.planHash)
            }
            let room = await services.dispatcher.hasRoom
            // Full and not asked to queue: refused as before (429), nothing stored.
            if !room, !queueing { return try await startHere(run, context: context, services: services) }
            let settings = await services.dispatcher.settings
            let queued: (item: WorkItem, created: Bool, claim: WorkClaim?)
            do {
                queued = try await services.journal.enqueue(id: itemID, kind: .run, payload: requested.payload(), requester: identity.name,
                                                            expiresAfter: await services.state.configuration.queueTimeout,
                                                            claimedBy: room ? settings.controller : nil, lease: settings.runLease, at: services.clock.now)
            } catch {
                throw APIError(.internalServerError, "the request could not be queued, so nothing was started: \(error)")
            }
            guard queued.created else { return try answer(queued.item, planHash: body.planHash) }
            guard let claim = queued.claim else {
                services.queue.wake()
                context.logger.info("run queued", metadata: ["item": "\(itemID)", "runbook": "\(runbook.name)"])
                return answer(queuedAs: queued.item)
            }
            var claimed = run
            claimed.workClaim = claim
            let outcome = await QueueService.start(claimed, claim: claim, journal: services.journal, dispatcher: services.dispatcher, clock: services.clock)
            services.metrics.queueClaim(outcome.metric)
            switch outcome {
            case let .started(runID):
                context.logger.info("run started", metadata: ["run": "\(runID)", "runbook": "\(runbook.name)"])
                return started(runID, planHash: body.planHash, item: itemID)
            case let .refused(error):
                // Full after all (another request took the last room): back in the queue, if asked.
                if queueing, error.kind == .busy {
                    services.queue.wake()
                    return answer(queuedAs: queued.item)
                }
                throw APIError(error)
            }
        }
    }

    /// A start on this daemon only (a run with secrets, or one refused for want of room).
    private static func startHere(_ run: RunRequest, context: WardenRequestContext, services: ServeServices) async throws -> Response {
        do throws(AdmissionError) {
            let started = try await services.dispatcher.start(run)
            context.logger.info("run started", metadata: ["run": "\(started.runID)", "runbook": "\(run.runbook.name)"])
            return PlanRoutes.started(started.runID, planHash: started.plan.hash, item: nil)
        } catch {
            throw APIError(error)
        }
    }

    private static func started(_ runID: String, planHash: String, item: String?) -> Response {
        var links = ["run": "/api/v1/runs/\(runID)", "events": "/api/v1/runs/\(runID)/events"]
        if let item { links["item"] = "/api/v1/queue/\(item)" }
        var response = JSONResponse.make(Started(runID: runID, planHash: planHash, item: item, links: links), status: .accepted)
        response.headers[.location] = "/api/v1/runs/\(runID)"
        return response
    }

    private static func answer(queuedAs item: WorkItem) -> Response {
        var response = JSONResponse.make(Queued(item: item.id, status: "queued", notAfter: item.notAfter,
                                                links: ["item": "/api/v1/queue/\(item.id)"]), status: .accepted)
        response.headers[.location] = "/api/v1/queue/\(item.id)"
        return response
    }

    /// The answer to a request sent again with the same Idempotency-Key: what became of the first.
    private static func answer(_ item: WorkItem, planHash: String) throws -> Response {
        switch item.state {
        case .started:
            return started(item.runID ?? "", planHash: QueuedRun.from(item)?.planHash ?? planHash, item: item.id)
        case .ready, .claimed:
            return answer(queuedAs: item)
        case .refused, .expired, .withdrawn:
            throw APIError(.conflict, "this Idempotency-Key's request (work item \(item.id)) was \(item.state.rawValue): \(item.outcome ?? "not started"); "
                           + "send a new request with a new key", extra: ["item": .string(item.id)])
        }
    }

    /// The answer to a start: the run id (it goes on in the background) and where to follow it.
    struct Started: Encodable {
        let runID: String
        let planHash: String
        /// The work item the request was kept as (nil for a run with secrets, never stored).
        let item: String?
        let links: [String: String]

        enum CodingKeys: String, CodingKey {
            case links, item
            case runID = "run_id"
            case planHash = "plan_hash"
        }
    }

    /// The answer to a start that waits in the queue for a controller with room.
    struct Queued: Encodable {
        let item: String
        let status: String
        /// When it expires unstarted (seconds since 1970).
        let notAfter: Double
        let links: [String: String]

        enum CodingKeys: String, CodingKey {
            case item, status, links
            case notAfter = "not_after"
        }
    }
}
