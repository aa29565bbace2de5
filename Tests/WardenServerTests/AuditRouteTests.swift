import Foundation
import Testing
import WardenCore
import WardenTesting

/// `GET /audit/verify` and `GET /audit/export?since=N`.
@Suite("Audit routes")
struct AuditRouteTests {
    @Test func anIntactLogVerifies() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("restart")
            try await harness.finish(runID)
            let head = try await harness.journal.auditHead()
            let reply = try await api.get("/api/v1/audit/verify")
            #expect(reply.code == 200, "\(reply)")
            #expect(reply.json["intact"].bool == true)
            #expect(reply.json["records"].int == head.sequence)
            #expect(head.sequence > 3)
            #expect(reply.json["head"].string == head.hash)
            #expect(reply.json["broken"].isMissing)
            // The same judgement as `warden audit verify`: nothing to check signatures against here, and it holds.
            #expect(reply.json["holds"].bool == true)
            #expect(reply.json["approvals"].items.isEmpty)
            #expect(reply.json["uncovered"].items.isEmpty)
        }
    }

    @Test func aChangedRecordIsFoundAndNamed() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("restart")
            try await harness.finish(runID)
            var record = try #require(try await harness.journal.auditRecords().first { $0.action == .runStarted })
            record.actor = "mallory"
            try await MemoryJournalTampering(harness.store).replace(record)
            let reply = try await api.get("/api/v1/audit/verify")
            #expect(reply.code == 200, "\(reply)")
            #expect(reply.json["intact"].bool == false)
            #expect(reply.json["broken"]["record"].int == record.sequence, "\(reply)")
            #expect(reply.json["broken"]["reason"].string?.isEmpty == false)
            #expect(reply.json["holds"].bool == false)
        }
    }

    @Test func theLogIsExportedAsJSONLinesFromASequence() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("restart")
            try await harness.finish(runID)
            let records = try await harness.journal.auditRecords()
            let all = try await api.get("/api/v1/audit/export")
            #expect(all.code == 200, "\(all)")
            #expect(all[.contentType] == "application/x-ndjson")
            let lines = all.text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "", "every record ends with a newline")
            let exported = lines.dropLast().map { JSON(data: Data($0.utf8)) }
            #expect(exported.map { $0["sequence"].int } == records.map(\.sequence))
            #expect(exported.map { $0["hash"].string } == records.map(\.hash))
            #expect(exported.allSatisfy { $0["actor"].string?.isEmpty == false && $0["action"].string?.isEmpty == false })
            #expect(exported.contains { $0["action"].string == "run-started" && $0["run_id"].string == runID && $0["actor"].string == "olga" })

            let since = records.count - 2
            let tail = try await api.get("/api/v1/audit/export?since=\(since)")
            let tailSequences = tail.text.split(separator: "\n").map { JSON(data: Data($0.utf8))["sequence"].int }
            #expect(tailSequences == [since, since + 1, since + 2])
            let beyond = try await api.get("/api/v1/audit/export?since=\(records.count + 1)")
            #expect(beyond.code == 200 && beyond.text.isEmpty, "\(beyond)")
        }
    }

    @Test(arguments: ["since=0", "since=-3", "since=x", "since="])
    func aBadSinceIs400(query: String) async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.get("/api/v1/audit/export?\(query)")
            #expect(reply.code == 400, "\(reply)")
            #expect(reply.error["field"].string == "since")
        }
    }
}
