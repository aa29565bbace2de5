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
            let journal = services.journal(as: identity)
            let broken: RunLock
            do throws(RunSessionError) {
                broken = try await LockBreaking.breakLock(name, reason: body.reason, in: journal)
            } catch {
                let status: HTTPResponse.Status = error.description.hasPrefix("no lock") ? .notFound : error.kind == .invalidInput ? .unprocessableContent
                    : .internalServerError
                throw APIError(status, error.description, field: error.description.hasPrefix("--reason") ? "reason" : nil)
            }
            var hostDirectory = "the lock had no directory on a host"
            if let hostName = broken.host {
                hostDirectory = await removeDirectory(of: broken, host: hostName, reason: body.reason, journal: journal, services: services)
            }
            context.logger.notice("lock broken", metadata: ["lock": "\(VisibleText.line(name))", "run": "\(broken.runID)"])
            return JSONResponse.make(Broken(lock: broken, hostDirectory: hostDirectory))
        }
    }

    /// Removes the broken run's lock directory from its host, found in the run's inventory; says what became of it.
    private static func removeDirectory(of broken: RunLock, host hostName: String, reason: String, journal: Journal,
                                        services: ServeServices) async -> String {
        guard let run = try? await journal.run(broken.runID), let inventoryPath = run.inventory,
              let inventory = try? Inventory.load(path: inventoryPath), let host = inventory.host(named: hostName) else {
            return "the lock directory on \(hostName) was left: the run's inventory does not name the host; it goes when its lease lapses"
        }
        let transport = await services.dispatcher.hostTransport()
        defer { Task { await transport.close() } }
        do {
            let removed = try await LockBreaking.removeHostLock(of: broken, on: host, reason: reason, transport: transport, journal: journal)
            return removed ? "removed from \(hostName)" : "no lock directory of this run remains on \(hostName)"
        } catch {
            return error.description
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
