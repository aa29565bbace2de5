import Foundation
import Hummingbird
import WardenCore

/// `GET /locks` and `POST /locks/{name}/break` (admin): breaking is the
/// explicit decision that a holder is gone, audited with who and why, and it
/// removes the lock directory on the lock host while that is still the
/// broken run's.
enum LockRoutes {
    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.get("locks") { _, context -> Response in
            _ = try context.require(.read)
            do {
                return JSONResponse.make(["locks": try await services.journal.locks()])
            } catch {
                throw APIError(.internalServerError, "\(error)")
            }
        }
        api.post("locks/:name/break") { request, context -> Response in
            let identity = try context.require(.breakLock)
            let name = try context.pathParameter("name")
            let body = try await ReasonBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            let broken: (lock: RunLock, hostDirectory: String)
            do throws(RunSessionError) {
                broken = try await LockBreaker.breakLock(name, reason: body.reason, by: identity, services)
            } catch {
                let status: HTTPResponse.Status = error.description.hasPrefix("no lock") ? .notFound : error.kind == .invalidInput ? .unprocessableContent
                    : .internalServerError
                throw APIError(status, error.description, field: error.description.hasPrefix("--reason") ? "reason" : nil)
            }
            context.logger.notice("lock broken", metadata: ["lock": "\(VisibleText.line(name))", "run": "\(broken.lock.runID)"])
            return JSONResponse.make(Broken(lock: broken.lock, hostDirectory: broken.hostDirectory))
        }
    }

    struct Broken: Encodable {
        let lock: RunLock
        let hostDirectory: String

        enum CodingKeys: String, CodingKey {
            case lock
            case hostDirectory = "host_directory"
        }
    }
}
