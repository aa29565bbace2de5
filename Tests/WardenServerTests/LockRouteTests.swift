import Foundation
import Testing
import WardenCore
import WardenTesting

/// `GET /locks` and `POST /locks/{name}/break` (admin): the explicit decision
/// that a holder is gone, audited with who and why.
@Suite("Locks")
struct LockRouteTests {
    @Test func theLocksHeldAreListed() async throws {
        try await ServeHarness.with { harness, api in
            #expect(try await api.get("/api/v1/locks").json == .object(["locks": .array([])]))
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let reply = try await api.get("/api/v1/locks")
            #expect(reply.code == 200, "\(reply)")
            let lock = reply.json["locks"][0]
            #expect(reply.json["locks"].items.count == 1)
            #expect(lock["name"].string == "cluster")
            #expect(lock["run_id"].string == runID)
            #expect(lock["holder"].string == "olga")
            #expect(lock["host"].string == "meta1")
            #expect(lock["controller"].string == OperatingSystemUser.controller)
            #expect((lock["expires_at"].double ?? 0) > (lock["acquired_at"].double ?? .infinity))
        }
    }

    @Test func anAdminBreaksALockWithAReasonAndItIsAudited() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            #expect(harness.transport.locks(on: "meta1").count == 1)
            let reply = try await api.post("/api/v1/locks/cluster/break", as: .admin, json: ["reason": "the holder's window was cancelled"])
            #expect(reply.code == 200, "\(reply)")
            #expect(reply.json["lock"]["name"].string == "cluster")
            #expect(reply.json["lock"]["run_id"].string == runID)
            #expect(reply.json["host_directory"].string == "removed from meta1")
            #expect(try await api.get("/api/v1/locks").json["locks"] == .array([]))
            #expect(harness.transport.locks(on: "meta1").isEmpty)

            let audit = try await harness.journal.auditRecords()
            let broken = try #require(audit.first { $0.action == .lockBroken })
            #expect(broken.actor == "ada")
            #expect(broken.lock == "cluster")
            #expect(broken.runID == runID)
            #expect(broken.summary?.contains("reason: the holder's window was cancelled") == true, "\(broken.summary ?? "")")
            let timeline = try await harness.timeline(of: runID)
            #expect(timeline.contains("note: lock 'cluster' broken by ada: the holder's window was cancelled"), "\(timeline)")
            #expect(timeline.contains { $0.hasPrefix("note@meta1: lock directory of 'cluster' removed from meta1 by ada") }, "\(timeline)")
            // The run that lost its lock stops, and its cleanup runs.
            let run = try await harness.finish(runID)
            #expect(run.status != .ended(.succeeded))
            #expect(!harness.transport.commands(receivedBy: "meta1").contains("set_meta_level lively"))
        }
    }

    @Test func aLockWhoseNameHoldsASlashIsBrokenByItsEncodedName() async throws {
        try await ServeHarness.with { harness, api in
            // The shipped rebalance locks `pegasus/<cluster>`: a slash a path can carry only as %2F.
            try await harness.journal.begin(JournalRun(id: "20250615-150000-0009", runbook: "inspect", file: "/x/inspect.yaml", initiator: "tess",
                                                       controller: "elsewhere:1", planHash: "sha256:t", parameters: "{}"))
            _ = try await harness.journal.acquire(RunLock(name: "pegasus/demo", runID: "20250615-150000-0009", holder: "tess", controller: "elsewhere:1"))
            let reply = try await api.post("/api/v1/locks/pegasus%2Fdemo/break", as: .admin, json: ["reason": "its controller is gone"])
            #expect(reply.code == 200, "\(reply)")
            #expect(reply.json["lock"]["name"].string == "pegasus/demo")
            #expect(try await harness.journal.locks().isEmpty)
        }
    }

    @Test func breakingNeedsAReasonAndAHeldLock() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let unknown = try await api.post("/api/v1/locks/clustr/break", as: .admin, json: ["reason": "r"])
            #expect(unknown.code == 404, "\(unknown)")
            #expect(unknown.message.contains("no lock 'clustr' is held; held: cluster"), "\(unknown)")
            let missing = try await api.post("/api/v1/locks/cluster/break", as: .admin, body: "{}")
            #expect(missing.code == 400 && missing.error["field"].string == "reason", "\(missing)")
            let blank = try await api.post("/api/v1/locks/cluster/break", as: .admin, json: ["reason": "  "])
            #expect(blank.code == 422 && blank.error["field"].string == "reason", "\(blank)")
            let operatorTry = try await api.post("/api/v1/locks/cluster/break", as: .operator, json: ["reason": "mine"])
            #expect(operatorTry.code == 403, "\(operatorTry)")
            #expect(try await harness.journal.locks().map(\.name) == ["cluster"], "nothing was broken")
            #expect(try await harness.journal.auditRecords().allSatisfy { $0.action != .lockBroken })
        }
    }
}
