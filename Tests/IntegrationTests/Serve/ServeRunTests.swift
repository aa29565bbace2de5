import Foundation
import Testing
import WardenCore
import WardenTesting

/// `warden serve` live: the built binary as a daemon on a loopback port,
/// driven over HTTP as a client would, against real sshd hosts and the
/// Pegasus double. Every test of it is nested here, so `--filter ServeLive`
/// runs exactly them.
@Suite("warden serve, live")
struct ServeLive {}

extension ServeLive {
    /// Runs planned, started, approved, followed, adopted and stopped through the API.
    @Suite("Runs")
    struct Runs {
        @Test func theShippedRebalanceRunsThroughTheAPIAndItsStreamResumesExactlyAfterLastEventID() async throws {
            try await withFleet(hosts: 1, logCommands: true) { fleet in
                let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--pending-moves", "3", "--balance-step", "1"])
                let site = try ServeSite(in: fleet, inventories: ["pegasus": pegasus.inventoryPath])
                // alice may approve too, so what refuses her own approval is the rule, not her roles.
                try await site.addToken("alice", roles: ["operator", "approver"])
                try await site.addToken("bob", roles: ["approver"])
                let serve = try await site.start()
                let alice = site.api("alice")

                let runID = try await alice.planAndStart("pegasus-rebalance", inventory: "pegasus", params: rebalanceParams())
                // Followed live from its first event while it waits for an approval.
                let path = "/api/v1/runs/\(runID)/events"
                async let followed = alice.events(path) { $0.event == "run-finished" }
                try await alice.awaitGate(of: runID)

                let own = try await alice.post("/api/v1/runs/\(runID)/approvals", json: ["decision": "approve"])
                #expect(own.status == 403, "\(own)")
                #expect(own.errorMessage == "you (alice) started this run; another person must approve it", "\(own)")
                let approved = try await site.api("bob").post("/api/v1/runs/\(runID)/approvals",
                                                              json: ["decision": "approve", "comment": "window agreed"])
                #expect(approved.status == 201, "\(approved)")
                #expect(try approved.json()["approver"] as? String == "bob")

                let events = try await followed
                let numbered = events.filter { $0.id != nil }
                #expect(numbered.compactMap { $0.id.flatMap(Int.init) } == Array(1...max(1, numbered.count)), "\(events)")
                #expect(numbered.contains { $0.event == "waiting-approval" } && numbered.contains { $0.event == "approved" }, "\(events)")
                let finished = try #require(events.last)
                #expect(finished.event == "run-finished" && finished.id == nil, "\(finished)")
                #expect(finished.json["status"] as? String == "succeeded", "\(finished)")
                #expect(finished.json["last_sequence"] as? Int == numbered.count, "\(finished)")
                #expect(pegasus.metaLevel == "steady")
                #expect(pegasus.levelsSet == ["lively", "steady"], "\(pegasus.commands)")

                // Again from the middle: exactly the rest, then the end.
                let middle = numbered.count / 2
                let rest = try await alice.events(path, lastEventID: String(middle)) { $0.event == "run-finished" }
                #expect(Array(rest.dropLast()) == Array(numbered[middle...]), "\(rest)")
                #expect(rest.last == finished)

                // One journal: the terminal's commands see the API's run...
                let listed = try await warden(["runs", "--state", site.state, "--output", "json"])
                #expect(listed.status == 0 && listed.stdout.contains(runID), "\(listed.stdout)\(listed.stderr)")
                let shown = try await warden(["show", runID, "--state", site.state])
                #expect(shown.status == 0 && shown.stdout.contains("pegasus-rebalance"), "\(shown.stdout)\(shown.stderr)")
                // ...and the API sees the terminal's.
                let inspected = try await warden(["run", ServeSite.runbooks + "/pegasus/inspect.yaml", "-i", pegasus.inventoryPath,
                                                  "--state", site.state, "--yes", "--output", "json"])
                #expect(inspected.status == 0, "\(inspected.stdout)\(inspected.stderr)")
                let report = try JSONDecoder().decode(RunReport.self, from: Data(inspected.stdout.utf8))
                let terminal = try await alice.get("/api/v1/runs?trigger=terminal").json()["runs"] as? [[String: Any]] ?? []
                #expect(terminal.map { $0["id"] as? String } == [report.runID], "\(terminal)")
                #expect(terminal.first?["trigger"] as? String == "terminal")
                let all = try await alice.get("/api/v1/runs").json()["runs"] as? [[String: Any]] ?? []
                #expect(Set(all.compactMap { $0["id"] as? String }) == [runID, report.runID], "\(all)")

                let (status, log) = try await serve.terminate()
                #expect(status == 0, "\(log)")
            }
        }

        @Test func aRunWhoseDaemonWasKilledIsAdoptedByTheNextAndEndsSteadyHavingGoneLivelyOnce() async throws {
            try await withFleet(hosts: 1, logCommands: true) { fleet in
                // The balancer never drains by itself: the run waits until the test lets it.
                let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--pending-moves", "100000", "--balance-step", "1"])
                let site = try ServeSite(in: fleet, inventories: ["pegasus": pegasus.inventoryPath])
                try await site.addToken("alice", roles: ["operator"])
                try await site.addToken("bob", roles: ["approver"])
                let first = try await site.start()
                let runID = try await site.api("alice").planAndStart("pegasus-rebalance", inventory: "pegasus", params: rebalanceParams())
                try await site.api("bob").awaitGate(of: runID)
                let approved = try await site.api("bob").post("/api/v1/runs/\(runID)/approvals", json: ["decision": "approve"])
                #expect(approved.status == 201, "\(approved)")
                _ = try await awaitRun(in: site.state, "lively set and the balance wait begun", limit: .seconds(120)) { run, events in
                    run.id == runID && events.contains { $0.step == "balanced" && $0.kind == .stepStarted }
                }
                #expect(pegasus.levelsSet == ["lively"], "\(pegasus.commands)")

                try await first.crash()
                let left = try #require(try await Journal.open(directory: site.state).run(runID))
                #expect(left.status == .running, "the killed daemon's run is left running")

                let second = try await site.start()
                let alice = site.api("alice")
                // Adopted at start: resumed at once, or listed for an operator and resumed by one.
                var adopted = ""
                try await poll("run \(runID) adopted by the new daemon") {
                    let status = try await alice.status()
                    let active = (status["runs_active"] as? [[String: Any]] ?? []).compactMap { $0["run_id"] as? String }
                    let waiting = (status["waiting_for_operator"] as? [[String: Any]] ?? []).compactMap { $0["run_id"] as? String }
                    adopted = active.contains(runID) ? "resumed" : waiting.contains(runID) ? "waiting" : ""
                    return !adopted.isEmpty
                }
                if adopted == "waiting" {
                    let resumed = try await alice.post("/api/v1/runs/\(runID)/resume", json: ["assume": "done"])
                    #expect(resumed.status == 202, "\(resumed)")
                } else {
                    try await second.waitForOutput(containing: "adopted a run whose controller is gone or stopped renewing its lease; it goes on")
                }
                // The balancer drains; the resumed wait sees it and the run ends steady.
                try pegasus.edit { state in state["balance"] = ["move_pri": 0, "copy_pri": 0, "copy_sec": 0] }
                let events = try await alice.events("/api/v1/runs/\(runID)/events") { $0.event == "run-finished" }
                let finished = try #require(events.last)
                #expect(finished.json["status"] as? String == "succeeded", "\(finished) after \(adopted); log:\n\(second.output)")
                #expect(pegasus.metaLevel == "steady")
                #expect(pegasus.levelsSet.filter { $0 == "lively" }.count == 1, "\(pegasus.commands)")
                #expect(pegasus.levelsSet.last == "steady", "\(pegasus.commands)")
                let run = try #require(try await Journal.open(directory: site.state).run(runID))
                #expect(run.controller != left.controller, "carried on by the second daemon")

                let (status, log) = try await second.terminate()
                #expect(status == 0, "\(log)")
            }
        }

        @Test func sigtermCancelsARunPastTheGracePeriodRunsItsCleanupAndExitsZero() async throws {
            try await withFleet(hosts: 1, logCommands: true) { fleet in
                let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--pending-moves", "100000", "--balance-step", "1"])
                let site = try ServeSite(in: fleet, inventories: ["pegasus": pegasus.inventoryPath], extra: "runs:\n  grace_period: 2s\n")
                try await site.addToken("alice", roles: ["operator"])
                try await site.addToken("bob", roles: ["approver"])
                let serve = try await site.start()
                let params = rebalanceParams()
                let runID = try await site.api("alice").planAndStart("pegasus-rebalance", inventory: "pegasus", params: params)
                try await site.api("bob").awaitGate(of: runID)
                let approved = try await site.api("bob").post("/api/v1/runs/\(runID)/approvals", json: ["decision": "approve"])
                #expect(approved.status == 201, "\(approved)")
                _ = try await awaitRun(in: site.state, "the balance wait begun", limit: .seconds(120)) { run, events in
                    run.id == runID && events.contains { $0.step == "balanced" && $0.kind == .stepStarted }
                }
                let before = fleet.commands(receivedBy: fleet.hosts[0])

                let (status, log) = try await serve.terminate()
                #expect(status == 0, "\(log)")
                // The finally step's command reached the admin host after the stop began, and the cluster is steady.
                let after = String(fleet.commands(receivedBy: fleet.hosts[0]).dropFirst(before.count))
                #expect(after.contains("set_meta_level steady"), "commands after SIGTERM: \(after)")
                #expect(pegasus.metaLevel == "steady")
                #expect(pegasus.levelsSet == ["lively", "steady"], "\(pegasus.commands)")
                // The journal says why it stopped.
                let journal = try await Journal.open(directory: site.state)
                let run = try #require(try await journal.run(runID))
                #expect(run.status != .running && run.status != .ended(.succeeded), "\(run.status)")
                let notes = try await journal.events(of: runID).filter { $0.kind == .note }.compactMap(\.detail)
                #expect(notes.contains { $0.contains("the daemon is stopping and the grace period of 2s ran out") }, "\(notes)")
                let cleanup = try await journal.events(of: runID).filter { $0.step == "steady" && $0.kind == .stepFinished }
                #expect(cleanup.map(\.status) == [.ok], "\(cleanup)")
                // The run's lock is released, in the journal and on the admin host.
                #expect(try await journal.locks().isEmpty)
                let lockDirectory = fleet.stateFolder(of: fleet.hosts[0]) + "/locks/pegasus_" + (params["cluster"] ?? "")
                #expect(!FileManager.default.fileExists(atPath: lockDirectory), "the lock directory is left: \(log)")
            }
        }
    }
}
