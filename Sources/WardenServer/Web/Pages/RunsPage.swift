import Foundation
import Hummingbird
import HummingbirdCore
import WardenCore

/// `GET /`: the runs in the journal, newest first, filtered as the API's
/// `GET /api/v1/runs` filters them (status, runbook, trigger, initiator).
/// Empty form fields mean "any", as a browser sends every field of the form.
enum RunsPage {
    /// The filters of the query; a wrong status or trigger is named in the page rather than refused.
    static func query(_ parameters: WebForm) -> (query: RunQuery, problem: String?) {
        func value(_ name: String) -> String? {
            guard let text = parameters[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        var query = RunQuery(limit: 100)
        var problems: [String] = []
        if let status = value("status") {
            if let parsed = JournalRun.Status(rawValue: status) { query.status = parsed } else { problems.append("unknown status '\(VisibleText.line(status))'") }
        }
        if let trigger = value("trigger") {
            if let parsed = RunTrigger(rawValue: trigger) { query.trigger = parsed } else { problems.append("unknown trigger '\(VisibleText.line(trigger))'") }
        }
        query.runbook = value("runbook")
        query.initiator = value("initiator")
        if let after = value("after") {
            if let cursor = RunListing.cursor(after) { query.after = cursor } else { problems.append("that page of older runs is not one this daemon gave") }
        }
        return (query, problems.isEmpty ? nil : problems.joined(separator: "; "))
    }

    /// The page's values for `runs.mustache`.
    static func values(runs: [JournalRun], query: RunQuery, problem: String?, session: WebSession) -> [String: Any] {
        var values: [String: Any] = [
            "mayStart": session.identity.may(.startRun),
            "statuses": JournalRun.Status.allCases.map { ["value": $0.rawValue, "selected": $0 == query.status] as [String: Any] },
            "triggers": RunTrigger.allCases.map { ["value": $0.rawValue, "selected": $0 == query.trigger] as [String: Any] },
            "runbook": query.runbook ?? "",
            "initiator": query.initiator ?? "",
            "hasRuns": !runs.isEmpty,
            "runs": runs.map(row),
        ]
        // The same filters for the script's refresh of the table, percent-encoded as a GET form sends them.
        let filters = [("status", query.status?.rawValue), ("runbook", query.runbook), ("trigger", query.trigger?.rawValue),
                       ("initiator", query.initiator)].compactMap { name, value in
            value.map { "\(name)=\(WebLink.queryValue($0))" }
        }
        values["queryString"] = filters.isEmpty ? "" : "?" + filters.joined(separator: "&")
        // A full page has older runs after it: the same filters, continuing after its last run.
        if runs.count == query.limit, let last = runs.last {
            let after = WebLink.queryValue(RunListing.cursor(RunQuery.Cursor(after: last)))
            values["older"] = "/?" + (filters + ["after=\(after)"]).joined(separator: "&")
        }
        if query.after != nil { values["newest"] = "/" + (filters.isEmpty ? "" : "?" + filters.joined(separator: "&")) }
        // Left out when there is none: a missing key is an empty section.
        if let problem { values["problem"] = problem }
        return values
    }

    private static func row(_ run: JournalRun) -> [String: Any] {
        let started = Date(timeIntervalSince1970: run.startedAt)
        var values: [String: Any] = [
            "id": run.id,
            "href": WebLink.run(run.id),
            "status": run.status.rawValue,
            // A CSS class from a fixed set: the status word is ours, never free text.
            "statusClass": run.status.rawValue,
            "runbook": run.runbook,
            "trigger": run.trigger.rawValue,
            "initiator": run.initiator,
            "parameters": run.parameters,
            "startedISO": started.formatted(.iso8601),
            // `2025-06-15 15:00:00`: the ISO form, easier to read without its T and Z (the column says UTC).
            "startedText": started.formatted(.iso8601).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: ""),
        ]
        if let reason = run.reason { values["reason"] = reason }
        return values
    }
}
