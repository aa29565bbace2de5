import Foundation
import Testing
import WardenCore
import WardenTesting

/// `POST /runs/{id}/resume`: a run whose daemon died goes on under this one,
/// as `warden resume` would; a run that ended or that a live controller
/// carries is not resumed.
@Suite("Resuming runs")
struct ResumeRouteTests {
    @Test func aRunWhoseDaemonDiedIsResumedAndGoesOnToItsEnd() async throws {
        var options = ServeHarness.Options()
        options.controller = ServeHarness.deadController
        try await ServeHarness.with(options) { dead, api in
            let runID = try await api.start("rebalance")
            try await dead.awaitGate(of: runID)
            // The daemon that carried it is gone; a new one has the journal as it left it.
            let harness = await dead.restarted()
            try await harness.withAPI { api in
                let listed = try await api.get("/api/v1/runs/\(runID)")
                #expect(listed.json["controller_gone"].bool == true, "\(listed)")
                let reply = try await api.post("/api/v1/runs/\(runID)/resume", body: "{}")
                #expect(reply.code == 202, "\(reply)")
                #expect(reply.json == .object(["run_id": .string(runID), "status": .string("resumed")]))
                let run = try #require(try await harness.journal.run(runID))
                #expect(run.controller == OperatingSystemUser.controller, "adopted by the daemon that resumed it")
                #expect(try await api.get("/api/v1/status").json["runs_active"][0]["run_id"].string == runID)
                // Resuming it again: it is running here now.
                let again = try await api.post("/api/v1/runs/\(runID)/resume", body: "{}")
                #expect(again.code == 409, "\(again)")

                // It waits at its gate again, and goes on once approved.
                try await harness.until("the resumed run waits at its gate") {
                    try await harness.journal.events(of: runID).filter { $0.kind == .waitingApproval }.count == 2
                }
                #expect(try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver, json: ["decision": "approve"]).code == 201)
                let finished = try await harness.finish(runID)
                #expect(finished.status == .ended(.succeeded), "\(finished.reason ?? "")")
                #expect(harness.transport.variable("level", on: "meta1") == "steady")
                #expect(harness.transport.commands(receivedBy: "meta1").contains("set_meta_level lively"))
            }
            try await harness.shutdown()
        }
    }

    @Test func twoResumesOfOneRunAtOnceResumeItOnce() async throws {
        var options = ServeHarness.Options()
        options.controller = ServeHarness.deadController
        try await ServeHarness.with(options) { dead, api in
            let runID = try await api.start("rebalance")
            try await dead.awaitGate(of: runID)
            let harness = await dead.restarted()
            try await harness.withAPI { api in
                // An operator's resume racing another (or the adoption at start): one goes on, the other is refused.
                async let first = api.post("/api/v1/runs/\(runID)/resume", body: "{}")
                async let second = api.post("/api/v1/runs/\(runID)/resume", body: "{}")
                let codes = try await [first.code, second.code].sorted()
                #expect(codes == [202, 409], "\(codes)")
                try await harness.until("the resumed run waits at its gate") {
                    try await harness.journal.events(of: runID).filter { $0.kind == .waitingApproval }.count == 2
                }
                #expect(try await harness.journal.events(of: runID).filter { $0.kind == .waitingApproval }.count == 2, "resumed once")
                #expect(try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver, json: ["decision": "approve"]).code == 201)
                let finished = try await harness.finish(runID)
                #expect(finished.status == .ended(.succeeded), "\(finished.reason ?? "")")
                #expect(harness.transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level lively") }.count == 1)
            }
            try await harness.shutdown()
        }
    }

    @Test func aRunThatEndedOrIsCarriedByALiveControllerIsNotResumed() async throws {
        try await ServeHarness.with { harness, api in
            let finished = try await api.start("inspect")
            try await harness.finish(finished)
            let ended = try await api.post("/api/v1/runs/\(finished)/resume", body: "{}")
            #expect(ended.code == 409, "\(ended)")
            #expect(ended.message.contains("already ended"), "\(ended)")

            let running = try await api.start("rebalance")
            try await harness.awaitGate(of: running)
            let here = try await api.post("/api/v1/runs/\(running)/resume", body: "{}")
            #expect(here.code == 409, "\(here)")
            #expect(here.message.contains("is running here"), "\(here)")

            try await harness.journal.begin(JournalRun(id: "20250615-150000-0003", runbook: "inspect", file: "/x/inspect.yaml", initiator: "tess",
                                                       controller: OperatingSystemUser.controller, planHash: "sha256:t", parameters: "",
                                                       trigger: .terminal, inventory: harness.inventoryPath))
            let alive = try await api.post("/api/v1/runs/20250615-150000-0003/resume", body: "{}")
            #expect(alive.code == 409, "\(alive)")
            #expect(alive.message.contains("still controlled by"), "\(alive)")
        }
    }

    @Test func aResumeRequestThatDoesNotHoldTogetherIsRefused() async throws {
        try await ServeHarness.with { harness, api in
            let finished = try await api.start("inspect")
            try await harness.finish(finished)
            let assume = try await api.post("/api/v1/runs/\(finished)/resume", json: ["assume": "maybe"])
            #expect(assume.code == 400 && assume.error["field"].string == "assume", "\(assume)")
            let inventory = try await api.post("/api/v1/runs/\(finished)/resume", json: ["inventory": "labb"])
            #expect(inventory.code == 404 && inventory.error["field"].string == "inventory", "\(inventory)")
            let member = try await api.post("/api/v1/runs/\(finished)/resume", json: ["asume": "done"])
            #expect(member.code == 400 && member.message.contains("did you mean 'assume'?"), "\(member)")
            let unknown = try await api.post("/api/v1/runs/20250101-000000-dead/resume", body: "{}")
            #expect(unknown.code == 404, "\(unknown)")
        }
    }
}
