import Foundation
import WardenCore

/// What the API's incident routes and the web UI's incidents page both read
/// and do, so that each decision is made in one place: the incidents (the
/// journal's decisions and the decider's open incidents, as `IncidentView`),
/// an incident's alerts (from the deliveries its decisions answered), and an
/// operator's close, which must say why.
enum IncidentBoard {
    /// Every incident, newest first (`GET /api/v1/incidents`).
    static func views(_ services: ServeServices) async throws(JournalError) -> [IncidentView] {
        let decisions = try await services.journal.alertDecisions()
        return IncidentView.build(decisions: decisions, open: await services.alerts.openIncidents)
    }

    /// The alerts of `incident`, from the journaled deliveries its decisions answered (oldest first, the latest of each alert).
    static func alerts(of incident: IncidentView, _ services: ServeServices) async -> [AlertmanagerAlert] {
        var deliveries: [AlertmanagerDelivery] = []
        for input in Set(incident.decisions.map(\.input)).sorted() {
            guard let entry = try? await services.journal.alertInputs(from: input, limit: 1).first, entry.sequence == input,
                  entry.kind == .delivery, let body = entry.body, let delivery = try? AlertmanagerDelivery.decode(body) else { continue }
            deliveries.append(delivery)
        }
        return IncidentAlerts.of(incident, deliveries: deliveries, rules: await services.state.configuration.alertRules)
    }

    /// The start an `approval: required` rule planned for incident `id`, while it waits for an approver.
    static func waitingForApproval(_ id: String, _ services: ServeServices) async -> RunPlanRequest? {
        guard let pending = await services.alerts.pendingRequest(id), pending.approval == .required else { return nil }
        return pending
    }

    /// Closes open incident `id` by hand for `person`: `invalidInput` without a reason, `notFound`
    /// when no such incident is open, `failed` when the close cannot be journaled.
    static func close(_ id: String, reason: String, by person: String, _ services: ServeServices) async throws(AdmissionError) {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw AdmissionError(.invalidInput, "say why") }
        let closed: Bool
        do {
            closed = try await services.alerts.close(incident: id, reason: VisibleText.line(reason), by: person)
        } catch {
            throw AdmissionError(.failed, "the close could not be journaled: \(error)")
        }
        guard closed else { throw AdmissionError(.notFound, "no open incident '\(VisibleText.line(id))'") }
    }
}
