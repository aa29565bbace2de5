import Foundation
import Testing
import WardenCore
import WardenTesting

/// `POST /runs/{id}/cancel`: a run this daemon carries stops as at Ctrl-C, its
/// cleanup runs, and the journal says who cancelled it and why.
@Suite("Cancelling runs")
struct CancelRouteTests {
    @Test func aRunWaitingAtItsGateIsCancelledAndItsCleanupRuns() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let reply = try await api.post("/api/v1/runs/\(runID)/cancel", json: ["reason": "  the window closed  "])
            #expect(reply.code == 202, "\(reply)")
            #expect(reply.json["status"].string == "cancelling")
            #expect(reply.json["run_id"].string == runID)

            let run = try await harness.finish(runID)
            #expect(run.status != .ended(.succeeded), "\(run.status)")
            // Its end says who cancelled it and why, not the terminal's "interrupted (Ctrl-C or SIGTERM)".
            #expect(run.reason?.hasPrefix("cancelled by olga: the window closed") == true, "\(run.reason ?? "")")
            let timeline = try await harness.timeline(of: runID)
            #expect(timeline.contains("note: cancelled by olga: the window closed"), "\(timeline)")
            // The change was never made; cleanup set the level back all the same.
            let sent = harness.transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") }
            #expect(sent == ["set_meta_level steady"])
            #expect(timeline.contains { $0.hasPrefix("step-finished steady") })
            // Its locks are gone, in the journal and on the host.
            #expect(try await harness.journal.locks().isEmpty)
            #expect(harness.transport.locks(on: "meta1").isEmpty, "\(harness.transport.locks(on: "meta1"))")
            // The audit log names the canceller.
            let audit = try await harness.journal.auditRecords()
            #expect(audit.contains { $0.actor == "olga" && $0.summary?.contains("cancelled by olga") == true })
        }
    }

    @Test func aRunThatEndedIs409() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("inspect")
            try await harness.finish(runID)
            let reply = try await api.post("/api/v1/runs/\(runID)/cancel", json: ["reason": "too late"])
            #expect(reply.code == 409, "\(reply)")
            #expect(reply.message.contains("already ended"), "\(reply)")
            #expect(try await !harness.timeline(of: runID).contains { $0.contains("cancelled by") })
        }
    }

    @Test func anUnknownRunIs404() async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.post("/api/v1/runs/20250101-000000-dead/cancel", json: ["reason": "r"])
            #expect(reply.code == 404, "\(reply)")
        }
    }

    @Test func aRunOfAnotherControllerIs409() async throws {
        try await ServeHarness.with { harness, api in
            try await harness.journal.begin(JournalRun(id: "20250615-150000-0002", runbook: "inspect", file: "/x/inspect.yaml", initiator: "tess",
                                                       controller: "elsewhere:1", planHash: "sha256:t", parameters: ""))
            let reply = try await api.post("/api/v1/runs/20250615-150000-0002/cancel", json: ["reason": "r"])
            #expect(reply.code == 409, "\(reply)")
            #expect(reply.message.contains("carried by elsewhere:1"), "\(reply)")
        }
    }

    @Test func aCancelNeedsAReason() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let missing = try await api.post("/api/v1/runs/\(runID)/cancel", body: "{}")
            #expect(missing.code == 400, "\(missing)")
            #expect(missing.error["field"].string == "reason")
            let blank = try await api.post("/api/v1/runs/\(runID)/cancel", json: ["reason": " \n "])
            #expect(blank.code == 422, "\(blank)")
            #expect(blank.error["field"].string == "reason")
            let empty = try await api.post("/api/v1/runs/\(runID)/cancel", body: nil)
            #expect(empty.code == 400, "\(empty)")
            // None of them stopped it.
            #expect(try await harness.journal.run(runID)?.status == .running)
            #expect(try await !harness.timeline(of: runID).contains { $0.contains("cancelled by") })
        }
    }
}
