import Foundation
import HTTPTypes
import Hummingbird
import WardenCore

/// `GET /audit`: whether the hash-chained audit log holds, as `GET
/// /api/v1/audit/verify` judges it (intact, or the record where it breaks
/// and why; signatures of approvals and checkpoints under the site policy),
/// its last hash (to compare with a copy kept elsewhere), and its newest
/// records as text, newest first. Read-only: nothing here changes the log.
enum AuditPage {
    /// How many records the page shows by default, and at most (`?limit=`).
    static let defaultLimit = 50
    static let maximumLimit = 500

    static func register(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("audit") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let asked = request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? defaultLimit
                let limit = min(max(asked, 1), maximumLimit)
                let verified: AuditRoutes.Verified
                let records: [AuditRecord]
                do {
                    verified = try await AuditRoutes.verified(services)
                    records = Array(try await services.journal.auditRecords(from: max(1, verified.records - limit + 1)).suffix(limit))
                } catch {
                    return WebPage.text("The journal cannot be read: \(error)", status: .serviceUnavailable)
                }
                return WebPage.page(visitor, "audit", title: "Audit log", values(verified, records: records, limit: limit), section: "/audit")
            }
        }
    }

    /// The values of `audit.mustache`.
    static func values(_ verified: AuditRoutes.Verified, records: [AuditRecord], limit: Int) -> [String: Any] {
        var values: [String: Any] = [
            // Words from a fixed set, each also a CSS class.
            "verdict": verified.broken != nil ? "broken" : verified.holds ? "intact" : "incomplete",
            "intact": verified.broken == nil,
            "holds": verified.holds,
            "count": String(verified.records),
            "head": verified.head,
            "limit": String(limit),
            "records": records.reversed().map(record),
            "hasRecords": !records.isEmpty,
            "signatures": (verified.approvals + verified.checkpoints).map { signature -> [String: Any] in
                var values: [String: Any] = ["run": ["href": WebLink.run(signature.runID), "id": signature.runID], "what": signature.what,
                                             "by": signature.by, "verdict": signature.verdict]
                if let detail = signature.key ?? signature.reason { values["detail"] = detail }
                return values
            },
            "hasSignatures": !(verified.approvals.isEmpty && verified.checkpoints.isEmpty),
            "uncovered": verified.uncovered.map { ["run": ["href": WebLink.run($0.runID), "id": $0.runID], "reason": $0.reason] as [String: Any] },
            "hasUncovered": !verified.uncovered.isEmpty,
        ]
        if let broken = verified.broken {
            var at: [String] = []
            if let record = broken.record { at.append("record \(record)") }
            if let run = broken.runID { at.append("run \(run)") }
            if let event = broken.event { at.append("event \(event)") }
            values["broken"] = ["where": at.isEmpty ? "the log" : at.joined(separator: ", "), "reason": broken.reason]
        }
        if let tail = verified.unsignedTail, tail.count == 2 { values["unsignedTail"] = "records \(tail[0]) to \(tail[1])" }
        return values
    }

    private static func record(_ record: AuditRecord) -> [String: Any] {
        var values: [String: Any] = [
            "sequence": String(record.sequence),
            "at": WebTime.values(record.at),
            "actor": record.actor,
            "action": record.action.rawValue,
            "hash": record.hash,
        ]
        var subject: [String] = []
        if let step = record.step { subject.append("step \(step)") }
        if let host = record.host { subject.append("host \(host)") }
        if let lock = record.lock { subject.append("lock \(lock)") }
        if let event = record.event { subject.append("event \(event)") }
        if let exit = record.exit { subject.append("exit \(exit)") }
        if let status = record.status { subject.append(status) }
        if let summary = record.summary { subject.append(summary) }
        values["detail"] = subject.joined(separator: "; ")
        if let run = record.runID { values["runLink"] = ["href": WebLink.run(run), "id": run] }
        return values
    }
}
