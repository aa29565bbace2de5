import Foundation
import Hummingbird
import NIOCore
import Synchronization
import WardenCore

/// `/healthz` (the process answers), `/readyz` (its journal is usable and it
/// takes runs), `GET /api/v1/status` (version, config, active runs, adopted
/// runs waiting for an operator), `POST /api/v1/reload` (admin, as SIGHUP),
/// `/metrics` and the OpenAPI document.
enum StatusRoutes {
    static func registerOpen(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("healthz") { _, _ -> Response in
            JSONResponse.make(["status": "ok"])
        }
        router.get("readyz") { _, _ -> Response in
            var problems: [String] = []
            if await !services.dispatcher.isAccepting { problems.append("the daemon is stopping") }
            // A database journal that went away retries its connection for a while: readiness
            // answers within seconds all the same, so a load balancer stops sending work here.
            let journal = services.journal
            let read: String? = await withCheckedContinuation { continuation in
                let answered = Mutex(false)
                let answer: @Sendable (String?) -> Void = { text in
                    if answered.withLock({ done in defer { done = true }; return !done }) { continuation.resume(returning: text) }
                }
                // Unstructured: a read stuck on a reconnecting database is left to finish on its own.
                Task {
                    do {
                        _ = try await journal.auditHead()
                        answer(nil)
                    } catch {
                        answer("the journal cannot be read: \(error)")
                    }
                }
                Task {
                    try? await Task.sleep(for: .seconds(3))
                    answer("the journal \(journal.path) did not answer within 3 s")
                }
            }
            if let read { problems.append(read) }
            let state = await services.state.configuration.state
            if access(state, W_OK) != 0 { problems.append("the state folder \(state) is not writable") }
            guard problems.isEmpty else {
                return JSONResponse.make(["status": "not ready", "problems": problems.joined(separator: "; ")], status: .serviceUnavailable)
            }
            return JSONResponse.make(["status": "ready"])
        }
        router.get("metrics") { _, context -> Response in
            if await services.state.configuration.metricsNeedToken { _ = try context.require(.readMetrics) }
            services.metrics.approvalsPending(await ApprovalRoutes.pending(in: services).count)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: services.metrics.exposition())))
        }
    }

    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.get("openapi.json") { _, _ -> Response in
            guard let document = OpenAPIDocument.data else {
                throw APIError(.internalServerError, "the OpenAPI document is missing from this build")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
        api.get("controllers") { _, context -> Response in
            _ = try context.require(.read)
            do {
                let views = try await services.journal.controllerViews(at: services.clock.now)
                return JSONResponse.make(Controllers(controllers: views, this: await services.dispatcher.settings.controller))
            } catch {
                throw APIError(.serviceUnavailable, "the journal cannot be read: \(error)")
            }
        }
        api.get("status") { _, context -> Response in
            _ = try context.require(.read)
            return JSONResponse.make(await status(services, identity: context.identity?.name ?? ""))
        }
        api.post("reload") { _, context -> Response in
            _ = try context.require(.reload)
            if let failure = await services.reload() {
                context.logger.error("reload refused; the config in use stays", metadata: ["problems": "\(failure)"])
                throw APIError(.unprocessableContent, "the config does not validate; the one loaded before stays in use:\n\(failure)")
            }
            context.logger.notice("config reloaded")
            return JSONResponse.make(["status": "reloaded"])
        }
    }

    /// What the daemon serves and carries now, as `GET /api/v1/status` and the web UI's status page show it; `identity` is who asks.
    static func status(_ services: ServeServices, identity: String) async -> Status {
        let state = services.state
        let configuration = await state.configuration
        let active = await services.dispatcher.activeRuns
        return Status(version: WardenVersion.current, config: configuration.file, listen: configuration.listen.description, tls: configuration.tls != nil,
                      journal: services.journal.store.location, inventories: configuration.inventories.count, runbooks: await state.catalog.runbooks.count,
                      loadedAt: await state.loadedAt.timeIntervalSince1970, reloadFailure: await state.reloadFailure, tokenProblem: await state.tokenProblem,
                      startedAt: services.startedAt.timeIntervalSince1970, accepting: await services.dispatcher.isAccepting,
                      controller: await services.dispatcher.settings.controller,
                      runsActive: active.map { .init(runID: $0.runID, runbook: $0.runbook, trigger: $0.trigger.rawValue, startedAt: $0.startedAt.timeIntervalSince1970) },
                      waitingForOperator: await services.adoptions.waiting, identity: identity)
    }

    /// `GET /api/v1/controllers`: the controllers sharing the journal, and which one answered.
    struct Controllers: Encodable {
        let controllers: [ControllerView]
        let this: String
    }

    struct Status: Encodable {
        let version: String
        let config: String
        /// The address it listens on (`127.0.0.1:8470`), and whether it serves HTTPS there.
        let listen: String
        let tls: Bool
        /// Where the journal is (`JournalStore.location`).
        let journal: String
        /// How many inventories the config names and how many runbooks the catalog holds.
        let inventories: Int
        let runbooks: Int
        let loadedAt: Double
        let reloadFailure: String?
        let tokenProblem: String?
        let startedAt: Double
        let accepting: Bool
        let controller: String
        let runsActive: [Active]
        let waitingForOperator: [AdoptionBoard.Waiting]
        /// Who asked (so a client can check which token it holds).
        let identity: String

        struct Active: Encodable {
            let runID: String
            let runbook: String
            let trigger: String
            let startedAt: Double

            enum CodingKeys: String, CodingKey {
                case runbook, trigger
                case runID = "run_id"
                case startedAt = "started_at"
            }
        }

        enum CodingKeys: String, CodingKey {
            case version, config, listen, tls, journal, inventories, runbooks, accepting, controller, identity
            case loadedAt = "loaded_at"
            case reloadFailure = "reload_failure"
            case tokenProblem = "token_problem"
            case startedAt = "started_at"
            case runsActive = "runs_active"
            case waitingForOperator = "waiting_for_operator"
        }
    }
}
