import Foundation
import Testing
import WardenCore
@testable import WardenServer
import WardenTesting

/// The work queue through the API: a start is kept as a work item, claimed at once by a daemon
/// with room; a full daemon queues it when asked (`"queue": true`) and any controller with room
/// starts it on a fresh plan with the confirmed hash; an Idempotency-Key makes a request sent
/// again the same one; secrets are never queued. The claim loop is driven by the test
/// (`claimWhileThereIsRoom`), not by its poll.
@Suite("The work queue")
struct QueueRouteTests {
    @Test func aStartIsKeptAsAWorkItemThatNamesItsRun() async throws {
        try await ServeHarness.with { harness, api in
            let reply = try await api.startReply("restart")
            #expect(reply.code == 202, "\(reply)")
            let runID = try #require(reply.json["run_id"].string)
            let item = try #require(reply.json["item"].string)
            let shown = try await api.get("/api/v1/queue/\(item)")
            #expect(shown.code == 200, "\(shown)")
            #expect(shown.json["state"].string == "started" && shown.json["run_id"].string == runID, "\(shown)")
            #expect(shown.json["request"]["runbook"].string == "restart" && shown.json["requester"].string == "olga", "\(shown)")
            #expect(shown.json["attempts"].int == 1 && shown.json["claimed_by"].string == harness.options.controller, "\(shown)")
            try await harness.finish(runID)
        }
    }

    @Test func aFullDaemonQueuesWhenAskedAndTheRunStartsOnceThereIsRoom() async throws {
        var options = ServeHarness.Options()
        options.maximumActiveRuns = 1
        try await ServeHarness.with(options) { harness, api in
            let waiting = try await api.start("rebalance")
            try await harness.awaitGate(of: waiting)
            // Not asked to queue: refused as before, nothing kept.
            #expect(try await api.startReply("restart").code == 429)
            let reply = try await api.startReply("restart", queue: true)
            #expect(reply.code == 202, "\(reply)")
            #expect(reply.json["status"].string == "queued", "\(reply)")
            let item = try #require(reply.json["item"].string)
            #expect(reply[.location] == "/api/v1/queue/\(item)")
            #expect(try await harness.journal.runs().map(\.id) == [waiting], "nothing started yet")
            let listed = try await api.get("/api/v1/queue")
            #expect(listed.json["open"].items.map { $0["id"].string } == [item], "\(listed)")
            // Still full: the claim loop leaves it.
            await harness.services.queue.claimWhileThereIsRoom()
            #expect(try await harness.journal.workItem(item)?.state == .ready)
            #expect(try await api.get("/metrics", as: nil).text.contains("warden_queue_open_items 1"))
            #expect(try await api.post("/api/v1/runs/\(waiting)/cancel", json: ["reason": "make room"]).code == 202)
            try await harness.finish(waiting)
            await harness.services.queue.claimWhileThereIsRoom()
            let started = try #require(try await harness.journal.workItem(item))
            #expect(started.state == .started, "\(started)")
            // Both starts claimed here: the rebalance at once, this one from the queue.
            let metrics = try await api.get("/metrics", as: nil).text
            #expect(metrics.contains("warden_queue_open_items 0") && metrics.contains(#"warden_queue_claims_total{result="started"} 2"#), "\(metrics)")
            let runID = try #require(started.runID)
            let run = try #require(try await harness.journal.run(runID))
            #expect(run.runbook == "restart" && run.initiator == "olga" && run.trigger == .api, "\(run)")
            #expect(try await harness.timeline(of: runID).contains { $0.contains("requested by olga (token)") })
            try await harness.finish(runID)
        }
    }

    @Test func aQueuedRequestWhosePlanChangedIsRefusedSayingSo() async throws {
        var options = ServeHarness.Options()
        options.maximumActiveRuns = 1
        try await ServeHarness.with(options) { harness, api in
            let waiting = try await api.start("rebalance")
            try await harness.awaitGate(of: waiting)
            let reply = try await api.startReply("restart", hash: "sha256:0000", queue: true)
            let item = try #require(reply.json["item"].string, "\(reply)")
            #expect(try await api.post("/api/v1/runs/\(waiting)/cancel", json: ["reason": "make room"]).code == 202)
            try await harness.finish(waiting)
            await harness.services.queue.claimWhileThereIsRoom()
            let refused = try #require(try await harness.journal.workItem(item))
            #expect(refused.state == .refused, "\(refused)")
            #expect(refused.outcome?.contains("the plan changed") == true, "\(refused)")
            #expect(try await harness.journal.runs().map(\.id) == [waiting], "nothing ran on a plan nobody confirmed")
        }
    }

    @Test func theSameIdempotencyKeyIsTheSameRequestAndStartsOneRun() async throws {
        try await ServeHarness.with { harness, api in
            let first = try await api.startReply("restart", key: "change-4711")
            #expect(first.code == 202, "\(first)")
            let again = try await api.startReply("restart", key: "change-4711")
            #expect(again.code == 202, "\(again)")
            #expect(again.json["run_id"].string == first.json["run_id"].string && again.json["item"].string == first.json["item"].string, "\(again)")
            #expect(try await harness.journal.runs().count == 1, "one run for one key")
            // Another caller's same key is another request.
            let theirs = try await api.startReply("inspect", as: .admin, key: "change-4711")
            #expect(theirs.code == 202 && theirs.json["run_id"].string != first.json["run_id"].string, "\(theirs)")
            for bad in ["", String(repeating: "k", count: 129), "a b", "k/1", "k\u{e9}"] {
                let refused = try await api.startReply("restart", key: bad)
                #expect(refused.code == 400 && refused.error["field"].string == "Idempotency-Key", "\(bad.debugDescription): \(refused)")
            }
            for run in try await harness.journal.runs() { try await harness.finish(run.id) }
        }
    }

    @Test func aQueuedRunIsWithdrawnOnlyBeforeItStartsAndExpiresIfNobodyHasRoom() async throws {
        var options = ServeHarness.Options()
        options.maximumActiveRuns = 1
        try await ServeHarness.with(options) { harness, api in
            let waiting = try await api.start("rebalance")
            try await harness.awaitGate(of: waiting)
            let withdrawn = try #require(try await api.startReply("restart", queue: true).json["item"].string)
            #expect(try await api.post("/api/v1/queue/\(withdrawn)/withdraw", json: ["reason": " "]).code == 422)
            #expect(try await api.post("/api/v1/queue/\(withdrawn)/withdraw", as: .viewer, json: ["reason": "no"]).code == 403)
            let reply = try await api.post("/api/v1/queue/\(withdrawn)/withdraw", json: ["reason": "wrong cluster"])
            #expect(reply.code == 200 && reply.json["state"].string == "withdrawn", "\(reply)")
            #expect(reply.json["outcome"].string == "withdrawn by olga: wrong cluster", "\(reply)")
            #expect(try await api.post("/api/v1/queue/\(withdrawn)/withdraw", json: ["reason": "again"]).code == 409)
            #expect(try await api.post("/api/v1/queue/w-nothing/withdraw", json: ["reason": "x"]).code == 404)
            #expect(try await api.get("/api/v1/queue/w-nothing").code == 404)

            let expiring = try #require(try await api.startReply("restart", queue: true).json["item"].string)
            harness.clock.advance(by: .seconds(601))
            await harness.services.queue.claimWhileThereIsRoom()
            let expired = try #require(try await harness.journal.workItem(expiring))
            #expect(expired.state == .expired && expired.outcome == WorkItem.expiredOutcome, "\(expired)")
            let listed = try await api.get("/api/v1/queue")
            #expect(listed.json["open"].items.isEmpty && Set(listed.json["recent"].items.compactMap { $0["id"].string }).isSuperset(of: [withdrawn, expiring]),
                    "\(listed)")
            #expect(try await harness.journal.runs().map(\.id) == [waiting])
        }
    }

    @Test func aGivenSecretIsNeverQueued() async throws {
        var options = ServeHarness.Options()
        options.maximumActiveRuns = 1
        try await ServeHarness.with(options) { harness, api in
            let waiting = try await api.start("rebalance")
            try await harness.awaitGate(of: waiting)
            let reply = try await api.startReply("inspect", params: ["api_key": "hunter2"], queue: true)
            #expect(reply.code == 422 && reply.error["field"].string == "queue", "\(reply)")
            let keyed = try await api.startReply("inspect", params: ["api_key": "hunter2"], key: "k1")
            #expect(keyed.code == 422 && keyed.error["field"].string == "Idempotency-Key", "\(keyed)")
            let items = try await harness.journal.workItems()
            #expect(items.open.isEmpty && items.closed.map(\.runID) == [waiting], "only the first start was kept: \(items)")
            #expect(!items.closed.contains { $0.payload.contains("hunter2") })
        }
    }
}
