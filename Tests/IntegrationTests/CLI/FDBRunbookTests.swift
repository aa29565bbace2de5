import Foundation
import Testing
import WardenCore
import WardenTesting

/// The shipped FoundationDB runbooks (`runbooks/fdb/`), end to end: real sshd
/// on loopback, and `Tests/Doubles/fdbcli` as fdbcli on the admin host, its
/// cluster in a state file of the fleet's folder wrapping a research sample
/// (the copies in `Tests/WardenCoreTests/Fixtures/fdb`) with dotted-path overrides. The
/// runbooks reach fdbcli through the admin host's inventory var `fdbcli`,
/// as they would reach the real one.
@Suite("FDB runbooks")
struct FDBRunbookTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let double = repository.appendingPathComponent("Tests/Doubles/fdbcli").path
    /// The research samples, as the repository keeps them (a clean clone has them; the research folder may not exist).
    static let samples = repository.appendingPathComponent("Tests/WardenCoreTests/Fixtures/fdb")
    static func runbook(_ name: String) -> String { repository.appendingPathComponent("runbooks/\(name)").path }

    /// A process of the healthy 7.1 sample that is a log server and not a coordinator.
    static let logProcess = "10.1.19.2:4501"
    /// A coordinator of the healthy 7.1 sample.
    static let coordinator = "10.1.18.253:4501"

    /// A FoundationDB cluster in the double's state file, and an inventory
    /// whose one host `h01` (group `fdb-admin`) runs the double as fdbcli.
    struct Cluster {
        let state: String
        let inventory: String
        /// Every fdbcli command the double received, one per line.
        var commands: [String] {
            ((try? String(contentsOfFile: state + ".log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        /// The double's wrapper state (`base`, `set`, `excluded`, ...).
        func read() throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: state))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TestFailure("\(state) holds no JSON object")
            }
            return object
        }

        var excluded: [String] { ((try? read())?["excluded"] as? [String]) ?? [] }

        /// `status json` as the double prints it now (read-only; logged like any command).
        func status() async throws -> [String: Any] {
            let output = try await runProcess(FDBRunbookTests.double, ["--exec", "status json"], environment: ["FDB_FAKE_STATE": state])
            guard output.status == 0, let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] else {
                throw TestFailure("fdbcli status json: \(output.status) \(output.stderr)")
            }
            return object
        }

        /// Adds a dotted-path override under the double's own lock, as the
        /// cluster changing under a running runbook.
        func override(_ path: String, _ value: Any) throws {
            let lock = open(state + ".lock", O_CREAT | O_RDWR, 0o644)
            guard lock >= 0 else { throw TestFailure("cannot open \(state).lock") }
            defer { close(lock) }
            guard flock(lock, LOCK_EX) == 0 else { throw TestFailure("cannot lock \(state).lock") }
            defer { _ = flock(lock, LOCK_UN) }
            var object = try read()
            object["set"] = (object["set"] as? [Any] ?? []) + [[path, value]]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: state), options: .atomic)
        }
    }

    /// A state file over `sample` with `overrides` (`PATH=JSON`), and its inventory.
    private func cluster(_ fleet: LoopbackFleet, _ sample: String, _ overrides: [String] = [], name: String = "fdb") async throws -> Cluster {
        let state = fleet.directory.appendingPathComponent("\(name)-state.json").path
        let base = Self.samples.appendingPathComponent(sample).path
        let made = try await runProcess(Self.double, ["--init-state", state, "--base", base] + overrides.flatMap { ["--set", $0] })
        guard made.status == 0 else { throw TestFailure("fdbcli --init-state: \(made.stderr)") }
        try? FileManager.default.removeItem(atPath: state + ".log")
        let inventory = try fleet.writeInventory(named: "\(name)-inventory.yaml", groups: ["fdb-admin"],
                                                 vars: [("fdbcli", "[env, \"FDB_FAKE_STATE=\(state)\", \"\(Self.double)\"]")])
        return Cluster(state: state, inventory: inventory)
    }

    /// The healthy 7.1 sample as it would read a while later: its capture
    /// was taken 76.8 s after a recovery, under the 120 s rule.
    private func healthy(_ fleet: LoopbackFleet, _ overrides: [String] = [], name: String = "fdb") async throws -> Cluster {
        try await cluster(fleet, "healthy-7.1-double-8proc.json",
                          ["cluster.recovery_state.seconds_since_last_recovered=600"] + overrides, name: name)
    }

    /// The process of `status json` at `address`.
    private func process(at address: String, in status: [String: Any]) throws -> [String: Any] {
        let processes = ((status["cluster"] as? [String: Any])?["processes"] as? [String: [String: Any]]) ?? [:]
        return try #require(processes.values.first { $0["address"] as? String == address }, "no process at \(address)")
    }

    // MARK: - Tests

    @Test func theFDBRunbooksValidateStrictlyAndAreListed() async throws {
        let names = ["fdb/health-gate.yaml", "fdb/exclude-process.yaml"]
        let files = names.map(Self.runbook)
        let output = try await warden(["validate", "--strict"] + files)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("0 errors, 0 warnings in 2 files"), "\(output.stdout)")
        let readme = try String(contentsOfFile: Self.runbook("README.md"), encoding: .utf8)
        for name in names {
            let text = try String(contentsOfFile: Self.runbook(name), encoding: .utf8)
            #expect(text.hasPrefix("# "), "\(name) starts with a header comment")
            #expect(text.contains("When to use it:") && text.contains("What it changes:"), "\(name)")
            #expect(readme.contains("| `\(name)` |"), "runbooks/README.md lists \(name)")
        }
    }

    @Test func healthGatePassesOnTheHealthySampleAndBlocksOnARecentRecovery() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let fdb = try await healthy(fleet)
            let passed = try await warden(["run", Self.runbook("fdb/health-gate.yaml"), "-i", fdb.inventory, "--state", state, "--yes"])
            #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
            #expect(passed.stdout.contains("Run succeeded."), "\(passed.stdout)")
            // The figures the rules read are printed.
            #expect(passed.stdout.contains("coordinators: 3 reachable of 3"), "\(passed.stdout)")
            #expect(passed.stdout.contains("fault tolerance: data 1, availability 1"), "\(passed.stdout)")
            // Read-only towards the cluster: fdbcli was only asked for status.
            #expect(!fdb.commands.isEmpty && fdb.commands.allSatisfy { $0 == "status json" }, "\(fdb.commands)")

            // The sample as captured: 76.8 s after a recovery, under the 120 s rule.
            let recent = try await cluster(fleet, "healthy-7.1-double-8proc.json", name: "recent")
            let blocked = try await warden(["run", Self.runbook("fdb/health-gate.yaml"), "-i", recent.inventory, "--state", state, "--yes"])
            #expect(blocked.status == 3, "\(blocked.stdout)\(blocked.stderr)")
            #expect(blocked.stdout.contains("BLOCKED: guard at \(Self.runbook("fdb/rules/health.yaml"))"), "\(blocked.stdout)")
            #expect(blocked.stdout.contains("(rule recovery:"), "\(blocked.stdout)")
            // ... and passes with a lower minimum.
            let lower = try await warden(["run", Self.runbook("fdb/health-gate.yaml"), "-i", recent.inventory, "--state", state, "--yes",
                                          "-p", "min_seconds_since_recovery=60"])
            #expect(lower.status == 0, "\(lower.stdout)\(lower.stderr)")
        }
    }

    @Test func monitorCheckJudgesEveryGuideRuleOnOneSampleOverSSH() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let alerts = Self.runbook("fdb/rules/alerts.yaml")
            let fdb = try await healthy(fleet)
            let clear = try await warden(["monitor", "check", alerts, "-i", fdb.inventory, "-p", "expected_processes=8"])
            #expect(clear.status == 0, "\(clear.stdout)\(clear.stderr)")
            #expect(clear.stdout.contains("[clear] database_unavailable"), "\(clear.stdout)")
            #expect(clear.stdout.contains("No rule fires."), "\(clear.stdout)")
            // One probe for fourteen rules, and only status was asked for.
            #expect(fdb.commands == ["status json"], "\(fdb.commands)")

            let down = try await healthy(fleet, ["client.database_status.available=false",
                                                 "cluster.qos.limiting_queue_bytes_storage_server=600000000"], name: "down")
            let firing = try await warden(["monitor", "check", alerts, "-i", down.inventory, "-p", "expected_processes=8", "--output", "json"])
            #expect(firing.status == 1, "\(firing.stdout)\(firing.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(firing.stdout.utf8)) as? [String: Any])
            let rules = try #require(report["rules"] as? [[String: Any]])
            let verdicts = Dictionary(uniqueKeysWithValues: rules.compactMap { rule in
                (rule["name"] as? String).map { ($0, rule["verdict"] as? String ?? "") }
            })
            #expect(verdicts["database_unavailable"] == "firing")
            // Holds now, but one sample cannot show ten minutes of it.
            #expect(verdicts["limiting_queue_high"] == "pending")
            #expect(verdicts["log_queue_high"] == "clear")
            #expect(rules.count == 14)

            // A required expectation left out is invalid input, before any host is reached.
            let missing = try await warden(["monitor", "check", alerts, "-i", fdb.inventory])
            #expect(missing.status == 2, "\(missing.stdout)\(missing.stderr)")
            #expect(missing.stderr.contains("expected_processes"), "\(missing.stderr)")
            // A runbook is not a monitor.
            let runbook = try await warden(["monitor", "check", Self.runbook("fdb/health-gate.yaml"), "-i", fdb.inventory])
            #expect(runbook.status == 2 && runbook.stderr.contains("has no monitor rules"), "\(runbook.stderr)")
        }
    }

    @Test func healthGateBlocksNamingTheRuleOnAnUnreachableCoordinatorMissingDataAndUnavailability() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let cases = [
                ("coordinator-unreachable-2of3-legacy.json", "rule coordinators: a coordinator is unreachable"),
                ("unhealthy-missing-data-legacy.json", "rule healthy: the database is not healthy"),
                ("healthy-7.1-double-8proc.json", "rule available: the database is not available"),
            ]
            for (sample, rule) in cases {
                let overrides = rule.hasPrefix("rule available")
                    ? ["client.database_status.available=false", "cluster.recovery_state.seconds_since_last_recovered=600"] : []
                let fdb = try await cluster(fleet, sample, overrides, name: String(sample.prefix(while: { $0 != "-" })))
                for command in ["plan", "run"] {
                    var arguments = [command, Self.runbook("fdb/health-gate.yaml"), "-i", fdb.inventory]
                    if command == "run" { arguments += ["--state", state, "--yes"] }
                    let blocked = try await warden(arguments)
                    #expect(blocked.status == 3, "\(sample) \(command): \(blocked.stdout)\(blocked.stderr)")
                    // The reason is the first failing rule, in the gate's order.
                    let reason = blocked.stdout.split(separator: "\n").first { $0.contains("would be BLOCKED") } ?? ""
                    #expect(reason.contains(rule), "\(sample) \(command): \(blocked.stdout)")
                }
                #expect(fdb.commands.allSatisfy { $0 == "status json" }, "\(fdb.commands)")
            }
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func excludeProcessExcludesTheAddressAfterApproval() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let fdb = try await healthy(fleet)
            let state = try sharedState(fleet)
            let name = "c\(UUID().uuidString.prefix(8))"
            let (background, _, approverSaw) = try await startApproved(
                fleet, [Self.runbook("fdb/exclude-process.yaml"), "-i", fdb.inventory, "-p", "cluster=\(name)", "-p", "address=\(Self.logProcess)"],
                state: state)
            #expect(approverSaw.contains("--exec 'exclude no_wait \(Self.logProcess)'"), "\(approverSaw)")
            let (status, report) = try await background.finishReport()
            #expect(status == 0, "\(report.reason ?? "")")
            #expect(report.status == .succeeded)
            #expect(report.steps.map(\.id) == ["gate.figures", "go", "exclude", "safe_to_remove", "excluded_list"])
            let wait = try #require(report.steps.first { $0.id == "safe_to_remove" })
            #expect(wait.status == .ok)
            #expect(wait.summary.contains("held 2 time(s) in a row"), "\(wait.summary)")
            #expect(report.rollback.isEmpty)

            // The double's state: the address excluded, its process excluded with no role left.
            #expect(fdb.excluded == [Self.logProcess])
            #expect(fdb.commands.filter { $0 != "status json" } == ["exclude no_wait \(Self.logProcess)", "exclude"], "\(fdb.commands)")
            let status71 = try await fdb.status()
            let excluded = try process(at: Self.logProcess, in: status71)
            #expect(excluded["excluded"] as? Bool == true)
            #expect((excluded["roles"] as? [Any])?.isEmpty == true)
            let servers = ((status71["cluster"] as? [String: Any])?["configuration"] as? [String: Any])?["excluded_servers"] as? [[String: String]]
            #expect(servers == [["address": Self.logProcess]])
            // The lock directory on the admin host is gone with the run.
            #expect(!FileManager.default.fileExists(atPath: fleet.stateFolder(of: fleet.hosts[0]) + "/locks/fdb_" + name))
        }
    }

    @Test func excludeProcessIsRefusedAndSendsNothingWhenARuleFails() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let cases: [(overrides: [String], address: String, rule: String)] = [
                (["cluster.fault_tolerance.max_zone_failures_without_losing_data=0"], Self.logProcess, "rule fault_tolerance_data:"),
                (["cluster.qos.worst_data_lag_storage_server.seconds=75.5"], Self.logProcess, "rule data_lag:"),
                ([], Self.coordinator, "rule not_coordinator:"),
                ([], "10.9.9.9:4501", "rule address_known:"),
                ([], "10.1.19.2:4501; kill all", "rule address_form:"),
            ]
            for (index, refusal) in cases.enumerated() {
                let fdb = try await healthy(fleet, refusal.overrides, name: "refused\(index)")
                let refused = try await warden(["run", Self.runbook("fdb/exclude-process.yaml"), "-i", fdb.inventory, "--state", state, "--yes",
                                                "-p", "cluster=c\(index)", "-p", "address=\(refusal.address)"])
                #expect(refused.status == 3, "\(refusal.rule) \(refused.stdout)\(refused.stderr)")
                let reason = refused.stdout.split(separator: "\n").first { $0.contains("would be BLOCKED") } ?? ""
                #expect(reason.contains(refusal.rule), "\(refusal.rule): \(refused.stdout)")
                #expect(refused.stdout.contains("Not started: nothing was changed."), "\(refused.stdout)")
                // The health rules are written once, in rules/health.yaml, and the plan says each came from there.
                #expect(refused.stdout.contains("[fails] result.fault_tolerance.data != null") == (index == 0), "\(refused.stdout)")
                #expect(refused.stdout.contains("(\(Self.runbook("fdb/rules/health.yaml")):"), "\(refused.stdout)")
                #expect(refused.stdout.contains(", use 'health')"), "\(refused.stdout)")
                // Nothing but status reached fdbcli; nothing is excluded.
                #expect(!fdb.commands.isEmpty && fdb.commands.allSatisfy { $0 == "status json" }, "\(refusal.rule): \(fdb.commands)")
                #expect(fdb.excluded.isEmpty)
            }

            // An unavailable database: refused too, but with exit 1, not 3. The plan
            // judges the watch (available != true would abort at once) before the
            // guards, and a watch that fires at once means "would fail".
            let down = try await healthy(fleet, ["client.database_status.available=false"], name: "down")
            let stopped = try await warden(["run", Self.runbook("fdb/exclude-process.yaml"), "-i", down.inventory, "--state", state, "--yes",
                                            "-p", "cluster=down", "-p", "address=\(Self.logProcess)"])
            #expect(stopped.status == 1, "\(stopped.stdout)\(stopped.stderr)")
            #expect(stopped.stdout.contains("would abort the run at once (the database became unavailable"), "\(stopped.stdout)")
            #expect(stopped.stdout.contains("[fails] result.available == true"), "\(stopped.stdout)")
            #expect(stopped.stdout.contains("Not started: nothing was changed."), "\(stopped.stdout)")
            #expect(down.commands.allSatisfy { $0 == "status json" }, "\(down.commands)")
            #expect(down.excluded.isEmpty)

            // An address excluded already (by someone else) is refused: the undo would include it.
            let taken = try await healthy(fleet, name: "taken")
            let excluded = try await runProcess(Self.double, ["--exec", "exclude \(Self.logProcess)"], environment: ["FDB_FAKE_STATE": taken.state])
            #expect(excluded.status == 0, "\(excluded.stderr)")
            let refused = try await warden(["run", Self.runbook("fdb/exclude-process.yaml"), "-i", taken.inventory, "--state", state, "--yes",
                                            "-p", "cluster=taken", "-p", "address=\(Self.logProcess)"])
            #expect(refused.status == 3, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stdout.contains("rule not_excluded_yet:"), "\(refused.stdout)")
            #expect(taken.commands.filter { $0 != "status json" } == ["exclude \(Self.logProcess)"], "\(taken.commands)")
        }
    }

    /// The watch aborts the wait when the database becomes unavailable, and
    /// the abort rolls the exclusion back (`include ADDR`, the step's undo).
    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func excludeProcessAbortsWhenTheDatabaseBecomesUnavailable() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let fdb = try await healthy(fleet)
            let state = try sharedState(fleet)
            let (background, _, _) = try await startApproved(
                fleet, [Self.runbook("fdb/exclude-process.yaml"), "-i", fdb.inventory, "-p", "cluster=c\(UUID().uuidString.prefix(8))",
                        "-p", "address=\(Self.logProcess)"], state: state)
            // The wait needs two polls 5 s apart: the database goes away between them.
            _ = try await awaitRun(in: state, "the safe_to_remove wait to start") { _, events in
                events.contains { $0.step == "safe_to_remove" && $0.kind == .stepStarted }
            }
            try fdb.override("client.database_status.available", false)
            let (status, report) = try await background.finishReport()
            #expect(status == 1, "\(report.reason ?? "")")
            #expect(report.status == .aborted)
            #expect(report.reason?.contains("the database became unavailable during the exclusion (the exclusion is rolled back)") == true, "\(report.reason ?? "")")
            #expect(report.rollback.map(\.id) == ["exclude"])
            #expect(report.rollback.first?.status == .ok)
            #expect(fdb.excluded.isEmpty)
            #expect(fdb.commands.contains("include \(Self.logProcess)"), "\(fdb.commands)")
        }
    }
}
