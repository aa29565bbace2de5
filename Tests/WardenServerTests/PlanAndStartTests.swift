import Foundation
import Testing
import WardenCore
import WardenTesting

/// `POST /plans` and `POST /runs`: a plan made on the hosts' real state, and a
/// start that goes ahead only with the hash of a fresh plan, refused with the
/// right code (and journaled when its plan refuses it) otherwise.
@Suite("Plans and starts")
struct PlanAndStartTests {
    @Test func aPlanComesWithItsHash() async throws {
        try await ServeHarness.with { harness, api in
            let reply = try await api.plan("restart", params: ["host": "db2"])
            #expect(reply.code == 200, "\(reply)")
            let hash = try #require(reply.json["hash"].string)
            #expect(hash.hasPrefix("sha256:"), "\(hash)")
            #expect(reply.json["runbook"].string == "restart")
            #expect(reply.json["verdict"].string == "proceeds")
            #expect(reply.json["targets"][0]["hosts"] == .array([.string("db2")]))
            // Nothing mutating reached a host; the probe did.
            #expect(harness.transport.commands(receivedBy: "db2").contains("load"))
            #expect(!harness.transport.commands(receivedBy: "db2").contains("restart db"))
            // The same inputs plan to the same hash.
            #expect(try await api.plan("restart", params: ["host": "db2"]).json["hash"].string == hash)
            #expect(try await api.plan("restart", params: ["host": "db1"]).json["hash"].string != hash)
        }
    }

    @Test func aLimitNarrowsTheTargets() async throws {
        try await ServeHarness.with { harness, api in
            let reply = try await api.post("/api/v1/plans", json: ["runbook": "inspect", "inventory": "lab", "limit": "db2"])
            #expect(reply.code == 200, "\(reply)")
            #expect(reply.json["limit"].string == "db2")
            #expect(reply.json["targets"][0]["hosts"] == .array([.string("db2")]))
            #expect(reply.json["hash"] != (try await api.plan("inspect")).json["hash"], "the limit is in the hash")
            let nothing = try await api.post("/api/v1/plans", json: ["runbook": "inspect", "inventory": "lab", "limit": "db9"])
            #expect(nothing.code == 422, "\(nothing)")
            #expect(nothing.message.contains("db9"), "\(nothing)")
            // A start with the limit acts on its hosts only.
            let plan = try await api.post("/api/v1/plans", json: ["runbook": "inspect", "inventory": "lab", "limit": "db2"])
            let start = try await api.post("/api/v1/runs", json: ["runbook": "inspect", "inventory": "lab", "limit": "db2",
                                                                  "plan_hash": plan.json["hash"].string ?? ""])
            #expect(start.code == 202, "\(start)")
            try await harness.finish(start.json["run_id"].string ?? "")
            // A plan runs the read-only check too: db1 saw it once, from the plan without the limit; db2 from
            // every plan with it (three), the one without, and the run.
            #expect(harness.transport.commands(receivedBy: "db1").filter { $0.hasPrefix("status") }.count == 1)
            #expect(harness.transport.commands(receivedBy: "db2").filter { $0.hasPrefix("status") }.count == 5)
        }
    }

    @Test func aSecretGivenInABodyIsNeverShownAgain() async throws {
        try await ServeHarness.with { harness, api in
            let secret = "hunter2-correct-horse"
            let plan = try await api.plan("inspect", params: ["api_key": secret])
            #expect(plan.code == 200, "\(plan)")
            #expect(!plan.text.contains(secret))
            let parameter = plan.json["parameters"].items.first { $0["name"].string == "api_key" }
            #expect(parameter?["secret"].bool == true)
            #expect(parameter?["value"].string == "<secret>")
            // The hash binds the value (under the state folder's key): another value, another hash.
            #expect(try await api.plan("inspect", params: ["api_key": secret]).json["hash"] == plan.json["hash"])
            #expect(try await api.plan("inspect", params: ["api_key": "another"]).json["hash"] != plan.json["hash"])

            let runID = try await api.start("inspect", params: ["api_key": secret])
            try await harness.finish(runID)
            for uri in ["/api/v1/runs/\(runID)", "/api/v1/runs/\(runID)/events", "/api/v1/runs", "/api/v1/audit/export", "/metrics"] {
                let reply = try await api.get(uri)
                #expect(reply.code == 200, "\(uri): \(reply)")
                #expect(!reply.text.contains(secret), "\(uri) shows the secret")
            }
            let stream = try await api.get("/api/v1/runs/\(runID)/events", headers: [.accept: "text/event-stream"])
            #expect(!stream.text.contains(secret))
            #expect(try await harness.journal.run(runID)?.parameters.contains(secret) == false)
        }
    }

    @Test func anUnknownRunbookOrInventoryIs404NamingTheField() async throws {
        try await ServeHarness.with { _, api in
            let runbook = try await api.plan("inspct")
            #expect(runbook.code == 404, "\(runbook)")
            #expect(runbook.error["field"].string == "runbook")
            #expect(runbook.message.contains("did you mean 'inspect'?"), "\(runbook)")

            let inventory = try await api.plan("inspect", inventory: "labb")
            #expect(inventory.code == 404, "\(inventory)")
            #expect(inventory.error["field"].string == "inventory")
            #expect(inventory.message.contains("known: lab"), "\(inventory)")

            let start = try await api.startReply("inspct", hash: "sha256:x")
            #expect(start.code == 404 && start.error["field"].string == "runbook", "\(start)")
        }
    }

    /// The engine's own refusal of `values` for `runbook`, as `warden plan` would print it.
    static func engineMessage(_ harness: ServeHarness, runbook: String, values: [String: Value]) -> String? {
        let inputs = RunInputs(runbook: harness.folder + "/runbooks/\(runbook).yaml", inventory: harness.inventoryPath, values: values,
                               environment: [:], clock: harness.clock)
        do {
            _ = try inputs.load()
            return nil
        } catch {
            return error.description
        }
    }

    @Test(arguments: [
        ["threshold": "lots"] as [String: String],
        ["mode": "slow"],
        ["unknown_parameter": "1"],
    ])
    func parametersThatDoNotBindAre422WithTheEnginesMessage(params: [String: String]) async throws {
        try await ServeHarness.with { harness, api in
            let reply = try await api.plan("inspect", params: params)
            #expect(reply.code == 422, "\(reply)")
            let expected = try #require(Self.engineMessage(harness, runbook: "inspect", values: params.mapValues(Value.string)))
            #expect(reply.message == expected)
            #expect(reply.message.contains(params.keys.first ?? "-"), "\(reply)")
        }
    }

    @Test func aParameterThatSelectsNoHostIs422() async throws {
        try await ServeHarness.with { harness, api in
            let reply = try await api.plan("restart", params: ["host": "db9"])
            #expect(reply.code == 422, "\(reply)")
            #expect(reply.message == Self.engineMessage(harness, runbook: "restart", values: ["host": .string("db9")]))
            #expect(reply.message.contains("db9"), "\(reply)")
        }
    }

    @Test(arguments: [
        ("{\"runbook\": \"inspect\",", "the body is not JSON"),
        ("", "needs a JSON object body"),
        ("[\"inspect\", \"lab\"]", "must be a JSON object"),
        ("\"inspect\"", "must be a JSON object"),
        ("{\"runbook\": 5, \"inventory\": \"lab\"}", "'runbook' must be a string"),
        ("{\"inventory\": \"lab\"}", "'runbook' is required"),
        ("{\"runbook\": \"inspect\", \"inventory\": \"lab\", \"params\": []}", "'params' must be an object"),
        ("{\"runbook\": \"inspect\", \"inventory\": null}", "'inventory' must be a string, not null"),
    ])
    func aBodyThatDoesNotReadIs400(body: String, message: String) async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.post("/api/v1/plans", body: body)
            #expect(reply.code == 400, "\(reply)")
            #expect(reply.message.contains(message), "\(reply)")
        }
    }

    @Test func aMisspeltMemberIs400WithTheClosestOne() async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.post("/api/v1/runs", json: ["runbook": "inspect", "inventory": "lab", "plan_hahs": "sha256:x"])
            #expect(reply.code == 400, "\(reply)")
            #expect(reply.error["field"].string == "plan_hahs")
            #expect(reply.message.contains("unknown member 'plan_hahs'"), "\(reply)")
            #expect(reply.message.contains("did you mean 'plan_hash'?"), "\(reply)")

            let missing = try await api.post("/api/v1/runs", json: ["runbook": "inspect", "inventory": "lab"])
            #expect(missing.code == 400, "\(missing)")
            #expect(missing.error["field"].string == "plan_hash")
        }
    }

    @Test func aBodyOverTheConfiguredLimitIs413() async throws {
        var options = ServeHarness.Options()
        options.maximumBodyBytes = 2048
        try await ServeHarness.with(options) { _, api in
            let padding = String(repeating: "x", count: 3000)
            let reply = try await api.post("/api/v1/plans", json: ["runbook": "inspect", "inventory": "lab", "params": ["service": padding]])
            #expect(reply.code == 413, "\(reply)")
            #expect(reply.message.contains("http.max_body_bytes"), "\(reply)")
            // Under the limit it is read.
            #expect(try await api.plan("inspect", params: ["service": String(repeating: "x", count: 1000)]).code == 200)
        }
    }

    @Test func aStartWithAStaleHashIs409WithTheNewPlan() async throws {
        try await ServeHarness.with { harness, api in
            let fresh = try #require(try await api.plan("restart").json["hash"].string)
            let reply = try await api.startReply("restart", hash: "sha256:" + String(repeating: "0", count: 64))
            #expect(reply.code == 409, "\(reply)")
            #expect(reply.message.contains("the plan changed"), "\(reply)")
            #expect(reply.error["plan"]["hash"].string == fresh)
            #expect(reply.error["plan"]["runbook"].string == "restart")
            // Nothing ran and nothing was journaled.
            #expect(!harness.transport.commands(receivedBy: "db1").contains("restart db"))
            #expect(try await harness.journal.runs().isEmpty)

            // The inventory changed between the plan and the start (db1 moved): the hash read before is stale.
            let before = try #require(try await api.plan("restart").json["hash"].string)
            try ServeHarness.inventory.replacingOccurrences(of: "127.0.0.2", with: "127.0.0.9")
                .write(toFile: harness.inventoryPath, atomically: false, encoding: .utf8)
            let changed = try await api.startReply("restart", hash: before)
            #expect(changed.code == 409, "\(changed)")
            #expect(changed.error["plan"]["hash"].string != before)
        }
    }

    @Test func aStartTheGuardBlocksIs409AndJournaled() async throws {
        try await ServeHarness.with { harness, api in
            harness.transport.set("load", to: "50", on: "db1")
            let plan = try await api.plan("restart")
            #expect(plan.json["verdict"].string == "blocked", "\(plan)")
            let reply = try await api.startReply("restart", hash: plan.json["hash"].string)
            #expect(reply.code == 409, "\(reply)")
            #expect(reply.message.contains("not started"), "\(reply)")
            #expect(reply.message.contains("a loaded host may be recovering"), "\(reply)")
            let runID = try #require(reply.error["run_id"].string)
            let run = try #require(try await harness.journal.run(runID))
            #expect(run.status == .ended(.blocked))
            #expect(run.trigger == .api)
            #expect(run.initiator == "olga")
            #expect(try await harness.timeline(of: runID).contains { $0.hasPrefix("note: not started:") })
            #expect(!harness.transport.commands(receivedBy: "db1").contains("restart db"))
            // It is in the listing, as blocked.
            let listed = try await api.get("/api/v1/runs?status=blocked")
            #expect(listed.json["runs"].items.map { $0["id"].string } == [runID])
        }
    }

    @Test func anAcceptedStartIs202WithWhereToFollowIt() async throws {
        try await ServeHarness.with { harness, api in
            let reply = try await api.startReply("restart", as: .admin)
            #expect(reply.code == 202, "\(reply)")
            let runID = try #require(reply.json["run_id"].string)
            #expect(reply[.location] == "/api/v1/runs/\(runID)")
            #expect(reply.json["links"]["events"].string == "/api/v1/runs/\(runID)/events")
            #expect(reply.json["plan_hash"].string?.hasPrefix("sha256:") == true)
            let run = try await harness.finish(runID)
            #expect(run.status == .ended(.succeeded), "\(run.reason ?? "")")
            #expect(harness.transport.variable("restarts", on: "db1") == "1")

            let listed = try await api.get("/api/v1/runs")
            let item = try #require(listed.json["runs"].items.first { $0["id"].string == runID })
            #expect(item["trigger"].string == "api")
            #expect(item["initiator"].string == "ada")
            #expect(item["runbook"].string == "restart")
            #expect(item["status"].string == "succeeded")
            #expect(item["plan_hash"] == reply.json["plan_hash"])
        }
    }

    @Test func aStartWhileTheLockIsHeldIs409() async throws {
        try await ServeHarness.with { harness, api in
            let first = try await api.start("rebalance")
            try await harness.awaitGate(of: first)
            let second = try await api.startReply("rebalance", as: .admin)
            #expect(second.code == 409, "\(second)")
            #expect(second.message.contains("lock 'cluster'"), "\(second)")
            #expect(second.message.contains(first), "names the holder: \(second)")
            // The first run still holds it and still waits.
            #expect(try await harness.journal.locks().map(\.runID) == [first])
            #expect(try await harness.journal.run(first)?.status == .running)
        }
    }

    @Test func aStartOverRunsMaxActiveIs429() async throws {
        var options = ServeHarness.Options()
        options.maximumActiveRuns = 1
        try await ServeHarness.with(options) { harness, api in
            let waiting = try await api.start("rebalance")
            try await harness.awaitGate(of: waiting)
            let reply = try await api.startReply("inspect")
            #expect(reply.code == 429, "\(reply)")
            #expect(reply[.retryAfter] == "30")
            #expect(reply.message.contains("runs.max_active"), "\(reply)")
            #expect(try await harness.journal.runs().map(\.id) == [waiting], "the refused start is not journaled")
            // Once the run ends, a start is taken again.
            #expect(try await api.post("/api/v1/runs/\(waiting)/cancel", json: ["reason": "make room"]).code == 202)
            try await harness.finish(waiting)
            #expect(try await api.startReply("inspect").code == 202)
        }
    }

    /// SIGTERM while a start is still planning (its probes ask the hosts, seconds in production):
    /// the drain waits for it, and it starts nothing. Before, the drain counted the runs to stop
    /// while the start was still planning, returned, and the run began behind its back.
    @Test func aStartStillPlanningWhenTheDaemonStopsIsRefusedAndTheDrainWaitsForIt() async throws {
        try await ServeHarness.with { harness, api in
            let hash = try #require(try await api.plan("restart", params: ["host": "db2"]).json["hash"].string)
            // From now on db2 takes 30 s (by the test clock) to answer the probe.
            harness.transport.on(.equals("load"), host: "db2", reply: .after(.seconds(30), .success("{\"load\": 1}\n")))
            async let start = api.startReply("restart", params: ["host": "db2"], hash: hash)
            try await harness.transport.waitUntil("the start's plan probes db2") { transport in
                transport.commands(receivedBy: "db2").filter { $0 == "load" }.count == 2
            }
            let dispatcher = harness.services.dispatcher
            let drained = ServeHarness.DrainedFlag()
            let drain = Task {
                await dispatcher.drain(grace: .zero)
                drained.set()
            }
            try await harness.until("the daemon stops accepting") { await !dispatcher.isAccepting }
            for _ in 0..<200 { await Task.yield() }
            #expect(!drained.isSet, "the drain returned while a start was still planning")
            harness.clock.advance(by: .seconds(30))
            let reply = try await start
            #expect(reply.code == 503, "\(reply)")
            #expect(reply.message.contains("began stopping while the run was planned"), "\(reply)")
            await drain.value
            #expect(await dispatcher.activeRuns.isEmpty)
            #expect(try await harness.journal.runs().isEmpty, "nothing was journaled as started")
            #expect(!harness.transport.commands(receivedBy: "db2").contains("restart db"))
        }
    }
}
