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

    /// Rundeck's cluster cannot kill a run on another server (rundeck#3993): here the request is
    /// kept on the run for whichever controller carries it, or adopts it.
    @Test func aRunOfAnotherControllerIsAskedToStopThroughTheJournal() async throws {
        try await ServeHarness.with { harness, api in
            try await harness.journal.begin(JournalRun(id: "20250615-150000-0002", runbook: "inspect", file: "/x/inspect.yaml", initiator: "tess",
                                                       controller: "elsewhere:1", planHash: "sha256:t", parameters: ""))
            let reply = try await api.post("/api/v1/runs/20250615-150000-0002/cancel", json: ["reason": "wrong cluster"])
            #expect(reply.code == 202, "\(reply)")
            #expect(reply.json["status"].string == "stop requested" && reply.json["carrier"].string == "elsewhere:1", "\(reply)")
            let run = try await harness.journal.run("20250615-150000-0002")
            #expect(run?.stopRequest == "olga: wrong cluster", "\(String(describing: run))")
            #expect(run?.status == .running, "only its carrier stops it")
            #expect(try await harness.timeline(of: "20250615-150000-0002").contains("note: cancelled by olga: wrong cluster"))
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
