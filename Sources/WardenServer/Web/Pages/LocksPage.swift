import Foundation
import HTTPTypes
import Hummingbird
import WardenCore

/// `GET /locks`: the run locks held now, as `GET /api/v1/locks` lists them
/// (name, the run holding it, its holder and controller, its lock host,
/// since when and until when its lease runs), so whoever finds a run
/// blocked sees what blocks it.
///
/// An admin (`breakLock`) gets a Break form with a required reason: the
/// explicit decision that a holder is gone, made through the same
/// `LockBreaker` as the API's route, so the audit record and the host's lock
/// directory go the same way.
enum LocksPage {
    static func register(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("locks") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                await page(visitor, services)
            }
        }
        router.post("locks/:name/break") { request, context -> Response in
            try await WebGate.post(request, context, services, needs: .breakLock) { visitor, form in
                let name = try context.pathParameter("name")
                let identity = visitor.session.identity
                let broken: (lock: RunLock, hostDirectory: String)
                do {
                    let reason = try WebField.required(form, "reason", "say why it is safe to break the lock")
                    do throws(RunSessionError) {
                        broken = try await LockBreaker.breakLock(name, reason: reason, by: identity, services)
                    } catch {
                        // As the API answers: an unknown lock is 404, a refused reason 422.
                        let status: HTTPResponse.Status = error.description.hasPrefix("no lock") ? .notFound
                            : error.kind == .invalidInput ? .unprocessableContent : .internalServerError
                        throw WebRefusal(message: error.description, status: status)
                    }
                } catch {
                    let refusal = WebRefusal(error)
                    return await page(visitor, services, problem: refusal.message, status: refusal.status)
                }
                context.logger.notice("lock broken", metadata: ["lock": "\(VisibleText.line(name))", "run": "\(broken.lock.runID)",
                                                                "by": "\(identity.name)", "host_directory": "\(broken.hostDirectory)"])
                return WebPage.redirect("/locks")
            }
        }
    }

    /// The page, with `problem` in its alert.
    static func page(_ visitor: WebVisitor, _ services: ServeServices, problem: String? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        let locks: [RunLock]
        do {
            locks = try await services.journal.locks()
        } catch {
            return WebPage.text("The journal cannot be read: \(error)", status: .serviceUnavailable)
        }
        return WebPage.page(visitor, "locks", title: "Locks", values(locks, identity: visitor.session.identity, now: services.clock.now, problem: problem),
                            section: "/locks", status: status)
    }

    /// The values of `locks.mustache`.
    static func values(_ locks: [RunLock], identity: Identity, now: Date, problem: String?) -> [String: Any] {
        let mayBreak = identity.may(.breakLock)
        var values: [String: Any] = [
            "hasLocks": !locks.isEmpty,
            "mayBreak": mayBreak,
            "locks": locks.enumerated().map { index, lock -> [String: Any] in
                var values: [String: Any] = [
                    "number": String(index + 1),
                    "name": lock.name,
                    "runLink": ["href": WebLink.run(lock.runID), "id": lock.runID],
                    "holder": lock.holder,
                    "controller": lock.controller,
                    "host": lock.host ?? "none",
                    "since": WebTime.values(lock.acquiredAt),
                    "breakAction": "/locks/" + WebLink.segment(lock.name) + "/break",
                ]
                if let expires = lock.expiresAt {
                    var until = WebTime.values(expires)
                    // A lapsed lease: its holder stopped renewing it, and the next run may take the lock.
                    if expires < now.timeIntervalSince1970 { until["lapsed"] = true }
                    values["expires"] = until
                }
                return values
            },
        ]
        if let problem { values["problem"] = problem }
        return values
    }
}
