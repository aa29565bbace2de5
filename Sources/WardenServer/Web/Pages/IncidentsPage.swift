import Foundation
import HTTPTypes
import Hummingbird
import WardenCore

/// `GET /incidents` and `GET /incidents/{id}`: what incident automation did
/// and did NOT do, and why. Open incidents first, then the most recent closed
/// ones, each as the API's `IncidentView` has it (rule, key, runs, every
/// decision with its reason and time) with the alerts it was made of (labels
/// and annotations as Alertmanager sent them: attacker-controllable text,
/// shown escaped and never as a link).
///
/// Its one form closes an open incident by hand (`closeIncident`, with a
/// reason), through the same `IncidentBoard.close` as the API's route.
enum IncidentsPage {
    /// How many closed incidents the list shows after the open ones.
    static let closedOnList = 25

    static func register(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("incidents") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                await page(visitor, services, only: nil)
            }
        }
        router.get("incidents/:id") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                await page(visitor, services, only: try context.pathParameter("id"))
            }
        }
        router.post("incidents/:id/close") { request, context -> Response in
            try await WebGate.post(request, context, services, needs: .closeIncident) { visitor, form in
                let id = try context.pathParameter("id")
                let toList = form["back"] == "/incidents"
                do {
                    let reason = try WebField.required(form, "reason", "say why the incident is closed by hand")
                    try await IncidentBoard.close(id, reason: reason, by: visitor.session.identity.name, services)
                } catch {
                    let refusal = WebRefusal(error)
                    return await page(visitor, services, only: toList ? nil : id, problem: refusal.message, status: refusal.status)
                }
                context.logger.notice("incident closed by hand", metadata: ["incident": "\(VisibleText.line(id))", "by": "\(visitor.session.identity.name)"])
                return WebPage.redirect(toList ? "/incidents" : "/incidents/" + WebLink.segment(id))
            }
        }
    }

    /// The list (`only` nil) or one incident's page, with `problem` in its alert.
    static func page(_ visitor: WebVisitor, _ services: ServeServices, only id: String?, problem: String? = nil,
                     status: HTTPResponse.Status = .ok) async -> Response {
        let all: [IncidentView]
        do throws(JournalError) {
            all = try await IncidentBoard.views(services)
        } catch {
            return WebPage.text("The journal cannot be read: \(error)", status: .serviceUnavailable)
        }
        var shown: [(view: IncidentView, alerts: [AlertmanagerAlert], waiting: RunPlanRequest?)] = []
        if let id {
            guard let incident = all.first(where: { $0.id == id }) else {
                return WebPage.page(visitor, "message", title: "No such incident", ["message": "No incident '\(VisibleText.line(id))'.", "back": "/incidents"],
                                    section: "/incidents", status: .notFound)
            }
            shown = [(incident, await IncidentBoard.alerts(of: incident, services), await IncidentBoard.waitingForApproval(id, services))]
        } else {
            // Open first (newest first, as the views come), then the latest closed ones.
            let listed = all.filter { $0.status == "open" } + all.filter { $0.status != "open" }.prefix(closedOnList)
            for incident in listed {
                shown.append((incident, await IncidentBoard.alerts(of: incident, services), await IncidentBoard.waitingForApproval(incident.id, services)))
            }
        }
        let title = id.map { "Incident \($0)" } ?? "Incidents"
        return WebPage.page(visitor, "incidents", title: title, values(shown, single: id != nil, identity: visitor.session.identity, problem: problem),
                            section: "/incidents", status: status)
    }

    /// The values of `incidents.mustache`.
    static func values(_ incidents: [(view: IncidentView, alerts: [AlertmanagerAlert], waiting: RunPlanRequest?)], single: Bool,
                       identity: Identity, problem: String?) -> [String: Any] {
        let mayClose = identity.may(.closeIncident)
        var values: [String: Any] = [
            "heading": single ? "Incident \(incidents.first?.view.id ?? "")" : "Incidents",
            "single": single,
            "hasIncidents": !incidents.isEmpty,
            "incidents": incidents.enumerated().map { index, entry in
                incident(entry.view, alerts: entry.alerts, waiting: entry.waiting, number: index + 1, mayClose: mayClose)
            },
            "back": single ? "/incidents/" + WebLink.segment(incidents.first?.view.id ?? "") : "/incidents",
        ]
        if let problem { values["problem"] = problem }
        return values
    }

    private static func incident(_ view: IncidentView, alerts: [AlertmanagerAlert], waiting: RunPlanRequest?, number: Int,
                                 mayClose: Bool) -> [String: Any] {
        let path = "/incidents/" + WebLink.segment(view.id)
        let open = view.status == "open"
        var values: [String: Any] = [
            "number": String(number),
            "id": view.id,
            "href": path,
            "rule": view.rule ?? "none",
            "key": view.key ?? "none",
            // `open` or `closed`: a class from a fixed set, with the word beside it.
            "status": open ? "open" : "closed",
            "opened": WebTime.values(view.openedAt),
            "firing": String(view.firing.count),
            "runs": view.runs.map { ["href": WebLink.run($0), "id": $0] },
            "hasRuns": !view.runs.isEmpty,
            "alerts": alerts.map(alert),
            "hasAlerts": !alerts.isEmpty,
            "decisions": view.decisions.map(decision),
            "hasDecisions": !view.decisions.isEmpty,
            "mayClose": mayClose && open,
            "closeAction": path + "/close",
        ]
        if let closedAt = view.closedAt {
            values["closed"] = ["at": WebTime.values(closedAt), "because": view.closedBecause ?? "no reason recorded"] as [String: Any]
        }
        if let waiting {
            values["waiting"] = [
                "runbook": waiting.runbook, "inventory": waiting.inventory,
                "params": waiting.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
            ]
        }
        return values
    }

    /// One alert: its status in words, when it started, its labels and annotations as name and value.
    private static func alert(_ alert: AlertmanagerAlert) -> [String: Any] {
        func pairs(_ values: [String: String]) -> [[String: String]] {
            values.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] }
        }
        var values: [String: Any] = [
            "status": alert.status == .firing ? "firing" : "resolved",
            "fingerprint": alert.fingerprint,
            "labels": pairs(alert.labels),
            "annotations": pairs(alert.annotations),
            "hasAnnotations": !alert.annotations.isEmpty,
            "started": ["iso": WebTime.iso(alert.startsAt.date), "text": WebTime.text(alert.startsAt.date)],
        ]
        if !alert.generatorURL.isEmpty { values["source"] = alert.generatorURL }
        return values
    }

    /// One decision: when, what kind, what it says (why it acted or did not), and its run.
    private static func decision(_ entry: AlertDecisionEntry) -> [String: Any] {
        var values: [String: Any] = ["at": WebTime.values(entry.at), "kind": entry.kind, "summary": entry.summary]
        if let run = entry.run { values["runLink"] = ["href": WebLink.run(run), "id": run] }
        return values
    }
}
