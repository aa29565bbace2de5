import Foundation
import HTTPTypes
import Hummingbird
import WardenCore

/// `GET /status`: what this daemon is and serves, as `GET /api/v1/status`
/// says it (version, config file and when it was loaded, where it listens,
/// how many inventories and runbooks it offers, where its journal is, how
/// long it has been up, whether it takes runs), the runs active now, and the
/// runs a restart adopted that wait for an operator's word, with links to
/// them: the first page to open after a restart or a failed reload.
enum StatusPage {
    static func register(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("status") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let status = await StatusRoutes.status(services, identity: visitor.session.identity.name)
                return WebPage.page(visitor, "status", title: "Status", values(status, now: services.clock.now), section: "/status")
            }
        }
    }

    /// The values of `status.mustache`.
    static func values(_ status: StatusRoutes.Status, now: Date) -> [String: Any] {
        var values: [String: Any] = [
            "version": status.version,
            "config": status.config,
            "loaded": WebTime.values(status.loadedAt),
            "listen": status.listen,
            "scheme": status.tls ? "HTTPS" : "HTTP",
            "journal": status.journal,
            "inventories": String(status.inventories),
            "runbooks": String(status.runbooks),
            "started": WebTime.values(status.startedAt),
            "uptime": WebTime.span(max(0, (now.timeIntervalSince1970 - status.startedAt).rounded(.down))),
            // A word from a fixed set, also its CSS class.
            "accepting": status.accepting ? "accepting" : "stopping",
            "controller": status.controller,
            "active": status.runsActive.map { run -> [String: Any] in
                ["runLink": ["href": WebLink.run(run.runID), "id": run.runID], "runbook": run.runbook, "trigger": run.trigger,
                 "started": WebTime.values(run.startedAt)]
            },
            "hasActive": !status.runsActive.isEmpty,
            "waiting": status.waitingForOperator.map { ["runLink": ["href": WebLink.run($0.runID), "id": $0.runID], "reason": $0.reason] as [String: Any] },
            "hasWaiting": !status.waitingForOperator.isEmpty,
        ]
        if let failure = status.reloadFailure { values["reloadFailure"] = failure }
        if let problem = status.tokenProblem { values["tokenProblem"] = problem }
        return values
    }
}
