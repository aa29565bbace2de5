import Foundation

/// One alert incident as the API and the CLI show it: its rule and key,
/// whether it is open, its runs, and every decision that concerned it, built
/// from the journal's decisions (closed incidents too) and the decider's
/// open incidents (which alerts still fire).
public struct IncidentView: Sendable, Codable, Hashable {
    public var id: String
    public var rule: String?
    public var key: String?
    /// `open` or `closed`.
    public var status: String
    public var openedAt: Double
    public var closedAt: Double?
    public var closedBecause: String?
    /// Alerts (by fingerprint) of an open incident still firing.
    public var firing: [String]
    public var runs: [String]
    public var decisions: [AlertDecisionEntry]

    enum CodingKeys: String, CodingKey {
        case id, rule, key, status, firing, runs, decisions
        case openedAt = "opened_at"
        case closedAt = "closed_at"
        case closedBecause = "closed_because"
    }

    /// Every incident the decisions name, newest first; `open` are the decider's open incidents.
    public static func build(decisions: [AlertDecisionEntry], open: [AlertIncident]) -> [IncidentView] {
        var views: [String: IncidentView] = [:]
        var order: [String] = []
        for decision in decisions {
            guard let id = decision.incident else { continue }
            if views[id] == nil {
                order.append(id)
                views[id] = IncidentView(id: id, rule: decision.rule, key: decision.key, status: "closed", openedAt: decision.at, closedAt: nil,
                                         closedBecause: nil, firing: [], runs: [], decisions: [])
            }
            views[id]?.decisions.append(decision)
            if let run = decision.run, views[id]?.runs.contains(run) == false { views[id]?.runs.append(run) }
            if decision.kind == "closed" {
                views[id]?.closedAt = decision.at
                // The reason follows the decision's fixed prefix; the key's label values may hold ": " themselves.
                let prefix = VisibleText.line("closed: incident \(id) for \(decision.key ?? ""): ")
                views[id]?.closedBecause = decision.summary.hasPrefix(prefix) ? String(decision.summary.dropFirst(prefix.count)) : decision.summary
            }
        }
        for incident in open {
            if views[incident.id] == nil {
                order.append(incident.id)
                views[incident.id] = IncidentView(id: incident.id, rule: incident.key.rule, key: incident.key.description, status: "open",
                                                  openedAt: incident.openedAt.timeIntervalSince1970, closedAt: nil, closedBecause: nil,
                                                  firing: [], runs: [], decisions: [])
            }
            views[incident.id]?.status = "open"
            views[incident.id]?.closedAt = nil
            views[incident.id]?.closedBecause = nil
            views[incident.id]?.firing = incident.firing.sorted()
            for run in incident.runs.sorted() where views[incident.id]?.runs.contains(run) == false { views[incident.id]?.runs.append(run) }
        }
        return order.reversed().compactMap { views[$0] }
    }
}
