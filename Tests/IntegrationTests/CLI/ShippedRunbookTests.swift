import Foundation
import Testing
import WardenCore
import WardenTesting

/// The runbooks Warden ships (`runbooks/`), end to end: real sshd on
/// loopback, and `Tests/Doubles/pegasus_shell` as the Pegasus shell on the
/// admin host, its cluster state in a JSON file of the fleet's folder. The
/// runbooks reach the shell through the admin host's inventory var
/// `pegasus_shell`, exactly as they would reach `run.sh shell` in production.
@Suite("Shipped runbooks")
struct ShippedRunbookTests {
    static let repository = PackageRoot.url
    static func runbook(_ name: String) -> String { repository.appendingPathComponent("runbooks/\(name)").path }

    /// A Pegasus cluster in the double's state file, and an inventory whose
    /// one host `h01` (group `pegasus-admin`) runs the double as its shell.
    private func cluster(_ fleet: LoopbackFleet, _ options: [String]) async throws -> PegasusTestCluster {
        try await PegasusTestCluster.start(on: fleet, options: options)
    }

    /// The shipped rebalance runbook, and its window parameters set to a
    /// window open now (the default is an example site's).
    private func openWindowRebalance(in fleet: LoopbackFleet) throws -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let hour = calendar.component(.hour, from: Date())
        func time(_ value: Int) -> String { String(format: "%02d:00", (value + 24) % 24) }
        return [Self.runbook("pegasus/rebalance.yaml"), "-p", "window=\(time(hour - 1))-\(time(hour + 3))", "-p", "timezone=UTC", "-p", "poll=1s"]
    }

    // MARK: - Tests

    @Test func everyShippedRunbookValidatesStrictly() async throws {
        let folder = Self.repository.appendingPathComponent("runbooks")
        let files = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0).path }
        for name in ["pegasus/inspect.yaml", "pegasus/rebalance.yaml", "pegasus/freeze-on-mass-failure.yaml", "pegasus/unfreeze.yaml",
                     "pegasus/pause-supervisor.yaml", "pegasus/resume-supervisor.yaml", "pegasus/collect-coredumps.yaml",
                     "demo/clear-stale-locks.yaml"] {
            #expect(files.contains(Self.runbook(name)), "\(name) is shipped")
        }
        let output = try await warden(["validate", "--strict"] + files)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("0 errors, 0 warnings in \(files.count) files"), "\(output.stdout)")
        // Every runbook says when to use it before anything else.
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.hasPrefix("# "), "\(file) starts with a header comment")
        }
        let readme = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        for file in files {
            #expect(readme.contains(String(file.dropFirst(folder.path.count + 1))), "runbooks/README.md lists \(file)")
        }
    }

    @Test func inspectPassesOnAHealthyClusterAndFailsNamingTheUnhealthyTableAndTheUnaliveNode() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let healthy = try await cluster(fleet, ["--nodes", "4", "--tables", "3"])
            let state = fleet.directory.appendingPathComponent("state").path
            let passed = try await warden(["run", Self.runbook("pegasus/inspect.yaml"), "-i", healthy.inventoryPath, "--state", state, "--yes"])
            #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
            #expect(passed.stdout.contains("Run succeeded."), "\(passed.stdout)")
            #expect(healthy.levelsSet.isEmpty, "read-only: \(healthy.commands)")
            #expect(healthy.commands.contains("server_info"))

            let sick = try await cluster(fleet, ["--nodes", "4", "--tables", "3", "--unalive", "127.0.0.1:34803", "--unhealthy-partitions", "2"])
            let failed = try await warden(["run", Self.runbook("pegasus/inspect.yaml"), "-i", sick.inventoryPath, "--state", state, "--yes"])
            #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
            #expect(failed.stdout.contains("tables_healthy [check on admin] FAILED"), "\(failed.stdout)")
            #expect(failed.stdout.contains("nodes_alive [check on admin] FAILED"), "\(failed.stdout)")
            #expect(failed.stdout.contains("meta_level_steady [check on admin] PASSED"), "\(failed.stdout)")
            // The report names them: the last table (table_3) lost 2 partitions; the node is down.
            #expect(failed.stdout.contains("inspection FAILED: tables_healthy nodes_alive; unhealthy tables: table_3(2); UNALIVE nodes: 127.0.0.1:34803"),
                    "\(failed.stdout)")
            #expect(sick.levelsSet.isEmpty, "read-only: \(sick.commands)")
        }
    }

    @Test func inspectSeesARestartedServer() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let restarted = try await cluster(fleet, ["--nodes", "3", "--set", "servers={\"127.0.0.1:34802\": {\"start_time\": \"2024-05-02 10:00:00\"}}"])
            let state = fleet.directory.appendingPathComponent("state").path
            let before = try await warden(["run", Self.runbook("pegasus/inspect.yaml"), "-i", restarted.inventoryPath, "--state", state, "--yes",
                                           "-p", "started_before=2024-05-03 00:00:00"])
            #expect(before.status == 0, "\(before.stdout)\(before.stderr)")
            let after = try await warden(["run", Self.runbook("pegasus/inspect.yaml"), "-i", restarted.inventoryPath, "--state", state, "--yes",
                                          "-p", "started_before=2024-05-01 00:00:00"])
            #expect(after.status == 1, "\(after.stdout)\(after.stderr)")
            #expect(after.stdout.contains("no_unexpected_restarts [check on admin] FAILED"), "\(after.stdout)")
            #expect(after.stdout.contains("inspection FAILED: no_unexpected_restarts;"), "\(after.stdout)")
            // The report names the server that restarted, and the skew it read.
            #expect(after.stdout.contains("restarted: 127.0.0.1:34802"), "\(after.stdout)")
            #expect(before.stdout.contains("        | skew (max/mean over ALIVE nodes): replicas 1"), "\(before.stdout)")
            #expect(before.stdout.contains("        | started after '2024-05-03 00:00:00': none"), "\(before.stdout)")
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func rebalanceGoesLivelyUntilTheBalancerDrainsThenSteady() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await cluster(fleet, ["--nodes", "4", "--pending-moves", "3", "--balance-step", "1"])
            let state = try sharedState(fleet)
            let rebalance = try openWindowRebalance(in: fleet)
            let name = "c\(UUID().uuidString.prefix(8))"
            let (background, runID, approverSaw) = try await startApproved(
                fleet, rebalance + ["-i", pegasus.inventoryPath, "-p", "cluster=\(name)"], state: state)
            #expect(approverSaw.contains("set_meta_level lively"), "\(approverSaw)")
            let (status, report) = try await background.finishReport()
            #expect(status == 0, "\(report.reason ?? "")")
            #expect(report.status == .succeeded)
            let wait = try #require(report.steps.first { $0.id == "balanced" })
            #expect(wait.status == .ok)
            #expect(wait.summary.contains("held 3 time(s) in a row"), "\(wait.summary)")
            #expect(report.cleanup.map(\.status) == [.ok, .ok])
            #expect(report.deadmen.map(\.status) == [.disarmed])

            // The double's state: drained, and steady again.
            #expect(pegasus.metaLevel == "steady")
            let balance = try #require(try pegasus.state()["balance"] as? [String: Int])
            #expect(balance.values.reduce(0, +) == 0, "\(balance)")
            #expect(pegasus.levelsSet == ["lively", "steady"], "\(pegasus.commands)")
            // The lock directory on the admin host is gone with the run.
            #expect(!FileManager.default.fileExists(atPath: fleet.stateFolder(of: fleet.hosts[0]) + "/locks/pegasus_" + name))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func rebalanceAbortsWhenATableTurnsUnhealthyAndStillEndsSteady() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await cluster(fleet, ["--nodes", "4", "--pending-moves", "1000", "--balance-step", "1"])
            let state = try sharedState(fleet)
            let rebalance = try openWindowRebalance(in: fleet)
            let (background, runID, _) = try await startApproved(
                fleet, rebalance + ["-i", pegasus.inventoryPath, "-p", "cluster=c\(UUID().uuidString.prefix(8))"], state: state)
            _ = try await awaitRun(in: state, "the balance wait to start") { _, events in
                events.contains { $0.step == "balanced" && $0.kind == .stepStarted }
            }
            #expect(pegasus.metaLevel == "lively")
            // A partition of the last table loses a replica mid-wait.
            try pegasus.edit { state in
                var tables = state["tables"] as? [[String: Any]] ?? []
                let healthy = tables[tables.count - 1]["fully_healthy"] as? Int ?? 0
                tables[tables.count - 1]["fully_healthy"] = healthy - 1
                state["tables"] = tables
            }
            let (status, report) = try await background.finishReport()
            #expect(status == 1, "\(report.reason ?? "")")
            #expect(report.status == .aborted)
            #expect(report.reason?.contains("a table turned unhealthy during the rebalance") == true, "\(report.reason ?? "")")
            #expect(report.cleanup.first { $0.id == "steady" }?.status == .ok)
            #expect(pegasus.metaLevel == "steady")
            // The watch breach rolls lively back at once (its undo), then cleanup sets and confirms steady.
            #expect(report.rollback.map(\.id) == ["lively"])
            #expect(pegasus.levelsSet == ["lively", "steady", "steady"], "\(pegasus.commands)")
            let balance = try #require(try pegasus.state()["balance"] as? [String: Int])
            #expect(balance.values.reduce(0, +) > 0, "the balancer had not drained: \(balance)")
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func rebalanceWhoseWindowEndsMidWaitStillEndsSteady() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            // The balancer never finishes; a three-minute window (cleanup keeps its last 18 s) ends first.
            let pegasus = try await cluster(fleet, ["--nodes", "4", "--pending-moves", "100000", "--balance-step", "1"])
            let state = try sharedState(fleet)
            var seconds = Int(Date().timeIntervalSince1970) % 60
            if seconds > 25 {
                // Too little time left for the run to start, be approved (by another user, a process of its
                // own) and change the level before the reserve: start in the next minute. With a window that
                // ended one minute later, a loaded CI machine ran out of it at the gate (at 35 s, 25 s and 15 s).
                try await Task.sleep(for: .seconds(61 - seconds))
                seconds = Int(Date().timeIntervalSince1970) % 60
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let minute = calendar.component(.hour, from: Date()) * 60 + calendar.component(.minute, from: Date())
            func time(_ value: Int) -> String { String(format: "%02d:%02d", ((value + 1440) % 1440) / 60, (value + 1440) % 60) }
            let started = ContinuousClock.now
            let (background, runID, _) = try await startApproved(
                fleet, [Self.runbook("pegasus/rebalance.yaml"), "-i", pegasus.inventoryPath, "-p", "cluster=c\(UUID().uuidString.prefix(8))",
                        "-p", "window=\(time(minute - 1))-\(time(minute + 2))", "-p", "timezone=UTC", "-p", "poll=1s"], state: state)
            let (status, report) = try await background.finishReport()
            #expect(status == 1, "\(report.reason ?? "")")
            // Stopped where the reserve begins, before the window's end, and cleanup set steady inside it.
            #expect(ContinuousClock.now - started < .seconds(135))
            #expect(report.steps.first { $0.id == "balanced" }?.summary.contains("the window's time for steps ran out") == true
                    || report.reason?.contains("the time kept for cleanup") == true, "\(report.reason ?? "") \(report.steps.map(\.summary))")
            #expect(report.cleanup.first { $0.id == "steady" }?.status == .ok)
            #expect(pegasus.metaLevel == "steady")
            #expect(pegasus.levelsSet == ["lively", "steady"], "\(pegasus.commands)")
            #expect(report.deadmen.map(\.status) == [.disarmed])
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func massFailureFreezesAfterApprovalAndUnfreezeWaitsForEveryNode() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await cluster(fleet, ["--nodes", "4", "--unalive", "127.0.0.1:34802,127.0.0.1:34804"])
            let state = try sharedState(fleet)

            // Below the threshold: blocked, nothing changed.
            let calm = try await warden(["run", Self.runbook("pegasus/freeze-on-mass-failure.yaml"), "-i", pegasus.inventoryPath,
                                         "--state", state, "--yes", "-p", "max_unalive=2", "-p", "max_unalive_percent=60"])
            #expect(calm.status == 3, "\(calm.stdout)\(calm.stderr)")
            #expect(calm.stdout.contains("too few replica servers are down to need a freeze"), "\(calm.stdout)")
            #expect(pegasus.levelsSet.isEmpty)

            // 2 of 4 down, threshold 1: the approver sees which nodes are down; then freezed.
            let (background, _, approverSaw) = try await startApproved(
                fleet, [Self.runbook("pegasus/freeze-on-mass-failure.yaml"), "-i", pegasus.inventoryPath, "-p", "max_unalive=1"], state: state)
            #expect(approverSaw.contains("UNALIVE replica server: %s\\n' 127.0.0.1:34802 127.0.0.1:34804"), "\(approverSaw)")
            let (status, report) = try await background.finishReport()
            #expect(status == 0, "\(report.reason ?? "")")
            #expect(pegasus.metaLevel == "freezed")
            #expect(pegasus.levelsSet == ["freezed"])

            // Unfreeze refuses while a node is UNALIVE...
            let refused = try await warden(["run", Self.runbook("pegasus/unfreeze.yaml"), "-i", pegasus.inventoryPath, "--state", state, "--yes"])
            #expect(refused.status == 3, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stdout.contains("a replica server is still UNALIVE"), "\(refused.stdout)")
            #expect(pegasus.metaLevel == "freezed")
            #expect(pegasus.levelsSet == ["freezed"])

            // ...and sets steady once every node is back.
            try pegasus.edit { state in
                state["nodes"] = (state["nodes"] as? [[String: Any]] ?? []).map { node in
                    var node = node
                    node["status"] = "ALIVE"
                    return node
                }
            }
            let unfrozen = try await warden(["run", Self.runbook("pegasus/unfreeze.yaml"), "-i", pegasus.inventoryPath, "--state", state, "--yes"])
            #expect(unfrozen.status == 0, "\(unfrozen.stdout)\(unfrozen.stderr)")
            #expect(pegasus.metaLevel == "steady")
            #expect(pegasus.levelsSet == ["freezed", "steady"])
        }
    }
}
