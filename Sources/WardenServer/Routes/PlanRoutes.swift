import Foundation
import Hummingbird
import WardenCore

/// `POST /plans` and `POST /runs`: a plan made on the hosts' real state
/// (nothing mutating is sent), and a start that goes ahead only when a fresh
/// plan has the hash the caller read, so what runs is what was confirmed.
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
            let (runbook, inventory) = try await CatalogRoutes.resolve(runbook: body.runbook, inventory: body.inventory, in: services.state)
            let run = RunRequest(runbook: runbook, inventoryName: body.inventory, inventoryPath: inventory, values: body.params ?? [:],
                                 limit: body.limit, planHash: body.planHash, identity: await services.runIdentity(identity))
            do throws(AdmissionError) {
                let started = try await services.dispatcher.start(run)
                context.logger.info("run started", metadata: ["run": "\(started.runID)", "runbook": "\(runbook.name)"])
                var response = JSONResponse.make(Started(runID: started.runID, planHash: started.plan.hash,
                                                         links: ["run": "/api/v1/runs/\(started.runID)", "events": "/api/v1/runs/\(started.runID)/events"]),
                                                 status: .accepted)
                response.headers[.location] = "/api/v1/runs/\(started.runID)"
                return response
            } catch {
                throw APIError(error)
            }
        }
    }

    /// The answer to a start: the run id (it goes on in the background) and where to follow it.
    struct Started: Encodable {
        let runID: String
        let planHash: String
        let links: [String: String]

        enum CodingKeys: String, CodingKey {
            case links
            case runID = "run_id"
            case planHash = "plan_hash"
        }
    }
}
