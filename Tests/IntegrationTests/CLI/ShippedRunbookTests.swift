import Foundation
import Testing
import WardenCore
import WardenTestSupport

/// The runbooks Warden ships (`runbooks/`), end to end: real sshd on
/// loopback, and `Tests/Doubles/pegasus_shell` as the Pegasus shell on the
/// admin host, its cluster state in a JSON file of the fleet's folder. The
/// runbooks reach the shell through the admin host's inventory var
/// `pegasus_shell`, exactly as they would reach `run.sh shell` in production.
@Suite("Shipped runbooks")
struct ShippedRunbookTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let double = repository.appendingPathComponent("Tests/Doubles/pegasus_shell").path
    static func runbook(_ name: String) -> String { repository.appendingPathComponent("runbooks/\(name)").path }

    /// A Pegasus cluster in the double's state file, and an inventory whose
    /// one host `h01` (group `pegasus-admin`) runs the double as its shell.
    struct Cluster {
        let state: String
        let inventory: String
        var log: String { (try? String(contentsOfFile: state + ".log", encoding: .utf8)) ?? "" }

        /// The state file as JSON.
        func read() throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: state))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TestFailure("\(state) holds no JSON object")
            }
            return object
        }

        var level: String? { (try? read())?["meta_function_level"] as? String }

        /// Changes the state under the double's own lock (`<state>.lock`, flock),
        /// as the cluster changing under a running runbook.
        func edit(_ change: (inout [String: Any]) throws -> Void) throws {
            let lock = open(state + ".lock", O_CREAT | O_RDWR, 0o644)
            guard lock >= 0 else { throw TestFailure("cannot open \(state).lock") }
            defer { close(lock) }
            guard flock(lock, LOCK_EX) == 0 else { throw TestFailure("cannot lock \(state).lock") }
            defer { _ = flock(lock, LOCK_UN) }
            var object = try read()
            try change(&object)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: state), options: .atomic)
        }
    }

    private func cluster(_ fleet: LoopbackFleet, _ options: [String]) async throws -> Cluster {
        let state = fleet.directory.appendingPathComponent("pegasus-state.json").path
        let made = try await runProcess(Self.double, ["--init-state", state] + options)
        guard made.status == 0 else { throw TestFailure("pegasus_shell --init-state: \(made.stderr)") }
        let host = fleet.hosts[0]
        let inventory = fleet.directory.appendingPathComponent("pegasus-inventory.yaml").path
        try """
            defaults:
              user: \(fleet.user)
              identity_file: "\(fleet.clientKeyPath)"
              known_hosts: "\(fleet.knownHostsPath)"
              connect_timeout: 5s
            hosts:
              \(host.name):
                address: \(host.address)
                port: \(fleet.port)
                groups: [pegasus-admin]
                vars:
                  pegasus_shell: [env, "PEGASUS_FAKE_STATE=\(state)", "\(Self.double)", config.ini, onebox]
            """.write(toFile: inventory, atomically: true, encoding: .utf8)
        return Cluster(state: state, inventory: inventory)
    }

    /// The shipped rebalance runbook with its window moved to one that is
    /// open now (the shipped window is the site's, a literal: see the README).
    private func openWindowRebalance(in fleet: LoopbackFleet) throws -> String {
        let text = try String(contentsOfFile: Self.runbook("pegasus/rebalance.yaml"), encoding: .utf8)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current
        let hour = calendar.component(.hour, from: Date())
        func time(_ value: Int) -> String { (value < 10 ? "0" : "") + "\(value):00" }
        let window = "window: {between: \"\(time((hour + 23) % 24))-\(time((hour + 3) % 24))\", timezone: Asia/Shanghai}"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix("window:") ? Substring(window) : $0 }
        #expect(lines.contains(Substring(window)))
        let path = fleet.directory.appendingPathComponent("rebalance.yaml").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: - Approval by a second OS user (as ApprovalTests does it)

    private func sharedState(_ fleet: LoopbackFleet) throws -> String {
        let state = fleet.directory.appendingPathComponent("shared-state").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: state)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fleet.directory.path)
        return state
    }

    private func binaryForNobody(_ fleet: LoopbackFleet) async throws -> String {
        let copy = fleet.directory.appendingPathComponent("warden-for-nobody").path
        if !FileManager.default.fileExists(atPath: copy) {
            let copied = try await runProcess("/bin/cp", [try wardenBinary(), copy])
            guard copied.status == 0 else { throw TestFailure("cp: \(copied.stderr)") }
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
        }
        return copy
    }

    /// Starts `warden run` in the background, waits for it at its approval
    /// gate, and approves it as `nobody`; returns the run and what the approver saw.
    private func startApproved(_ fleet: LoopbackFleet, _ arguments: [String], state: String) async throws -> (BackgroundWarden, String, String) {
        let background = try BackgroundWarden.start(["run"] + arguments + ["--state", state, "--yes", "--output", "json"])
        let run = try await awaitRun(in: state, "waiting at the gate") { _, events in events.contains { $0.kind == "waiting-approval" } }
        let approved = try await runProcess("/usr/sbin/runuser", ["-u", "nobody", "--", try await binaryForNobody(fleet), "approve", run.id, "--state", state])
        #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
        return (background, run.id, approved.stdout)
    }

    private func finish(_ background: BackgroundWarden) async throws -> (Int32, RunReport) {
        let (status, output) = try await background.finish()
        return (status, try JSONDecoder().decode(RunReport.self, from: Data(output.utf8)))
    }

    private func levelsSet(_ log: String) -> [String] {
        log.split(separator: "\n").filter { $0.hasPrefix("set_meta_level ") }.map { String($0.dropFirst("set_meta_level ".count)) }
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
            let passed = try await warden(["run", Self.runbook("pegasus/inspect.yaml"), "-i", healthy.inventory, "--state", state, "--yes"])
            #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
            #expect(passed.stdout.contains("Run succeeded."), "\(passed.stdout)")
            #expect(levelsSet(healthy.log).isEmpty, "read-only: \(healthy.log)")
            #expect(healthy.log.contains("server_info\n"))

            let sick = try await cluster(fleet, ["--nodes", "4", "--tables", "3", "--unalive", "127.0.0.1:34803", "--unhealthy-partitions", "2"])
            let failed = try await warden(["run", Self.runbook("pegasus/inspect.yaml"), "-i", sick.inventory, "--state", state, "--yes"])
            #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
            #expect(failed.stdout.contains("tables_healthy [check on admin] FAILED"), "\(failed.stdout)")
            #expect(failed.stdout.contains("nodes_alive [check on admin] FAILED"), "\(failed.stdout)")
            #expect(failed.stdout.contains("meta_level_steady [check on admin] PASSED"), "\(failed.stdout)")
            // The report names them: the last table (table_3) lost 2 partitions; the node is down.
            #expect(failed.stdout.contains("inspection FAILED: tables_healthy nodes_alive; unhealthy tables: table_3(2); UNALIVE nodes: 127.0.0.1:34803"),
                    "\(failed.stdout)")
            #expect(levelsSet(sick.log).isEmpty, "read-only: \(sick.log)")
        }
    }

    @Test func inspectSeesARestartedServer() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let restarted = try await cluster(fleet, ["--nodes", "3", "--set", "servers={\"127.0.0.1:34802\": {\"start_time\": \"2024-05-02 10:00:00\"}}"])
            let state = fleet.directory.appendingPathComponent("state").path
            let before = try await warden(["run", Self.runbook("pegasus/inspect.yaml"), "-i", restarted.inventory, "--state", state, "--yes",
                                           "-p", "started_before=2024-05-03 00:00:00"])
            #expect(before.status == 0, "\(before.stdout)\(before.stderr)")
            let after = try await warden(["run", Self.runbook("pegasus/inspect.yaml"), "-i", restarted.inventory, "--state", state, "--yes",
                                          "-p", "started_before=2024-05-01 00:00:00"])
            #expect(after.status == 1, "\(after.stdout)\(after.stderr)")
            #expect(after.stdout.contains("no_unexpected_restarts [check on admin] FAILED"), "\(after.stdout)")
            #expect(after.stdout.contains("inspection FAILED: no_unexpected_restarts;"), "\(after.stdout)")
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func rebalanceGoesLivelyUntilTheBalancerDrainsThenSteady() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await cluster(fleet, ["--nodes", "4", "--pending-moves", "3", "--balance-step", "1"])
            let state = try sharedState(fleet)
            let file = try openWindowRebalance(in: fleet)
            let name = "c\(UUID().uuidString.prefix(8))"
            let (background, runID, approverSaw) = try await startApproved(
                fleet, [file, "-i", pegasus.inventory, "-p", "cluster=\(name)"], state: state)
            defer { try? FileManager.default.removeItem(atPath: Deadman.folder + "/" + runID + ".lively") }
            #expect(approverSaw.contains("set_meta_level lively"), "\(approverSaw)")
            let (status, report) = try await finish(background)
            #expect(status == 0, "\(report.reason ?? "")")
            #expect(report.status == .succeeded)
            let wait = try #require(report.steps.first { $0.id == "balanced" })
            #expect(wait.status == .ok)
            #expect(wait.summary.contains("held 3 time(s) in a row"), "\(wait.summary)")
            #expect(report.cleanup.map(\.status) == [.ok, .ok])
            #expect(report.deadmen.map(\.status) == ["disarmed"])

            // The double's state: drained, and steady again.
            #expect(pegasus.level == "steady")
            let balance = try #require(try pegasus.read()["balance"] as? [String: Int])
            #expect(balance.values.reduce(0, +) == 0, "\(balance)")
            #expect(levelsSet(pegasus.log) == ["lively", "steady"], "\(pegasus.log)")
            // The lock directory on the admin host is gone with the run.
            #expect(!FileManager.default.fileExists(atPath: HostLock.folder + "/pegasus_" + name))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func rebalanceAbortsWhenATableTurnsUnhealthyAndStillEndsSteady() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await cluster(fleet, ["--nodes", "4", "--pending-moves", "1000", "--balance-step", "1"])
            let state = try sharedState(fleet)
            let file = try openWindowRebalance(in: fleet)
            let (background, runID, _) = try await startApproved(
                fleet, [file, "-i", pegasus.inventory, "-p", "cluster=c\(UUID().uuidString.prefix(8))"], state: state)
            defer { try? FileManager.default.removeItem(atPath: Deadman.folder + "/" + runID + ".lively") }
            _ = try await awaitRun(in: state, "the balance wait to start") { _, events in
                events.contains { $0.step == "balanced" && $0.kind == "step-started" }
            }
            #expect(pegasus.level == "lively")
            // A partition of the last table loses a replica mid-wait.
            try pegasus.edit { state in
                var tables = state["tables"] as? [[String: Any]] ?? []
                let healthy = tables[tables.count - 1]["fully_healthy"] as? Int ?? 0
                tables[tables.count - 1]["fully_healthy"] = healthy - 1
                state["tables"] = tables
            }
            let (status, report) = try await finish(background)
            #expect(status == 1, "\(report.reason ?? "")")
            #expect(report.status == .aborted)
            #expect(report.reason?.contains("a table turned unhealthy during the rebalance") == true, "\(report.reason ?? "")")
            #expect(report.cleanup.first { $0.id == "steady" }?.status == .ok)
            #expect(pegasus.level == "steady")
            // The watch breach rolls lively back at once (its undo), then cleanup sets and confirms steady.
            #expect(report.rollback.map(\.id) == ["lively"])
            #expect(levelsSet(pegasus.log) == ["lively", "steady", "steady"], "\(pegasus.log)")
            let balance = try #require(try pegasus.read()["balance"] as? [String: Int])
            #expect(balance.values.reduce(0, +) > 0, "the balancer had not drained: \(balance)")
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func massFailureFreezesAfterApprovalAndUnfreezeWaitsForEveryNode() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await cluster(fleet, ["--nodes", "4", "--unalive", "127.0.0.1:34802,127.0.0.1:34804"])
            let state = try sharedState(fleet)

            // Below the threshold: blocked, nothing changed.
            let calm = try await warden(["run", Self.runbook("pegasus/freeze-on-mass-failure.yaml"), "-i", pegasus.inventory,
                                         "--state", state, "--yes", "-p", "max_unalive=2", "-p", "max_unalive_percent=60"])
            #expect(calm.status == 3, "\(calm.stdout)\(calm.stderr)")
            #expect(calm.stdout.contains("too few replica servers are down to need a freeze"), "\(calm.stdout)")
            #expect(levelsSet(pegasus.log).isEmpty)

            // 2 of 4 down, threshold 1: the approver sees which nodes are down; then freezed.
            let (background, _, approverSaw) = try await startApproved(
                fleet, [Self.runbook("pegasus/freeze-on-mass-failure.yaml"), "-i", pegasus.inventory, "-p", "max_unalive=1"], state: state)
            #expect(approverSaw.contains("UNALIVE replica server: %s\\n' 127.0.0.1:34802 127.0.0.1:34804"), "\(approverSaw)")
            let (status, report) = try await finish(background)
            #expect(status == 0, "\(report.reason ?? "")")
            #expect(pegasus.level == "freezed")
            #expect(levelsSet(pegasus.log) == ["freezed"])

            // Unfreeze refuses while a node is UNALIVE...
            let refused = try await warden(["run", Self.runbook("pegasus/unfreeze.yaml"), "-i", pegasus.inventory, "--state", state, "--yes"])
            #expect(refused.status == 3, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stdout.contains("a replica server is still UNALIVE"), "\(refused.stdout)")
            #expect(pegasus.level == "freezed")
            #expect(levelsSet(pegasus.log) == ["freezed"])

            // ...and sets steady once every node is back.
            try pegasus.edit { state in
                state["nodes"] = (state["nodes"] as? [[String: Any]] ?? []).map { node in
                    var node = node
                    node["status"] = "ALIVE"
                    return node
                }
            }
            let unfrozen = try await warden(["run", Self.runbook("pegasus/unfreeze.yaml"), "-i", pegasus.inventory, "--state", state, "--yes"])
            #expect(unfrozen.status == 0, "\(unfrozen.stdout)\(unfrozen.stderr)")
            #expect(pegasus.level == "steady")
            #expect(levelsSet(pegasus.log) == ["freezed", "steady"])
        }
    }
}
