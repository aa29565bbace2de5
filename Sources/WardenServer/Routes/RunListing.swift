import Foundation
import Hummingbird
import HummingbirdCore
import WardenCore

/// `GET /runs`: a page of runs newest first, and the cursor of the next page.
struct RunListing: Encodable {
    let runs: [Item]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case runs
        case nextCursor = "next_cursor"
    }

    /// A run in a listing: what tells it apart, without its plan.
    struct Item: Encodable {
        let id: String
        let runbook: String
        let status: String
        let reason: String?
        let trigger: String
        let initiator: String
        let controller: String
        let planHash: String
        let startedAt: Double
        let finishedAt: Double?
        let controllerGone: Bool

        init(_ run: JournalRun) {
            id = run.id
            runbook = run.runbook
            status = run.status.rawValue
            reason = run.reason
            trigger = run.trigger.rawValue
            initiator = run.initiator
            controller = run.controller
            planHash = run.planHash
            startedAt = run.startedAt
            finishedAt = run.finishedAt
            controllerGone = run.status == .running && OperatingSystemUser.isGone(run.controller)
        }

        enum CodingKeys: String, CodingKey {
            case id, runbook, status, reason, trigger, initiator, controller
            case planHash = "plan_hash"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case controllerGone = "controller_gone"
        }
    }

    /// The filters and page of a listing, each checked and named when wrong.
    static func query(_ parameters: FlatDictionary<Substring, Substring>) throws(APIError) -> RunQuery {
        let known = ["status", "runbook", "trigger", "initiator", "cursor", "limit"]
        for (name, _) in parameters where !known.contains(String(name)) {
            let hint = NameSuggestion.hint(for: String(name), among: known).map { "; \($0)" } ?? ""
            throw APIError(.badRequest, "unknown query parameter '\(VisibleText.line(name))' (known: \(known.joined(separator: ", ")))\(hint)", field: String(name))
        }
        var query = RunQuery(limit: try integer(parameters["limit"].map(String.init), named: "limit", default: 50, in: 1...RunQuery.maximumLimit))
        if let status = parameters["status"] {
            guard let parsed = JournalRun.Status(rawValue: String(status)) else {
                throw APIError(.badRequest, "'status' must be one of \(JournalRun.Status.allCases.map(\.rawValue).joined(separator: ", "))", field: "status")
            }
            query.status = parsed
        }
        if let trigger = parameters["trigger"] {
            guard let parsed = RunTrigger(rawValue: String(trigger)) else {
                throw APIError(.badRequest, "'trigger' must be one of \(RunTrigger.allCases.map(\.rawValue).joined(separator: ", "))", field: "trigger")
            }
            query.trigger = parsed
        }
        query.runbook = parameters["runbook"].map(String.init)
        query.initiator = parameters["initiator"].map(String.init)
        if let cursor = parameters["cursor"] {
            guard let parsed = Self.cursor(String(cursor)) else {
                throw APIError(.badRequest, "'cursor' is not one this daemon gave (use next_cursor of the previous page)", field: "cursor")
            }
            query.after = parsed
        }
        return query
    }

    /// A whole number from a query parameter or header, within `range`.
    static func integer(_ text: String?, named name: String, default value: Int, in range: ClosedRange<Int> = 0...Int.max) throws(APIError) -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(.badRequest, "'\(name)' must be a whole number \(range.lowerBound)...\(range.upperBound == Int.max ? "" : String(range.upperBound))",
                           field: name)
        }
        return number
    }

    /// The opaque cursor of the page after `cursor`: the start time's bits and the run id, base64url.
    static func cursor(_ cursor: RunQuery.Cursor) -> String {
        let text = "\(cursor.startedAt.bitPattern):\(cursor.id)"
        return Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func cursor(_ text: String) -> RunQuery.Cursor? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count <= 200, let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8),
              let colon = decoded.firstIndex(of: ":"), let bits = UInt64(decoded[..<colon]) else { return nil }
        return RunQuery.Cursor(startedAt: Double(bitPattern: bits), id: String(decoded[decoded.index(after: colon)...]))
    }
}
