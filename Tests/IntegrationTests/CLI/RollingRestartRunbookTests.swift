import Foundation
import Testing
import WardenCore
import WardenTesting

/// `runbooks/pegasus/rolling-restart.yaml` end to end: four replica servers,
/// each a stand-in process under its own real supervisord (Debian's
/// `supervisor`), whose pid file tells the `pegasus_shell` double whether the
/// server is alive; the double's partition placement moves as the runbook's
/// `balance`, `propose` and `replica.kill_partition` commands and the meta's
/// cure move it. Every start and stop of a stand-in is appended to one events
/// file, so the order of restarts across servers is observed, not inferred.
@Suite("Rolling restart runbook")
struct RollingRestartRunbookTests {
    static let runbook = PackageRoot.url.appendingPathComponent("runbooks/pegasus/rolling-restart.yaml").path
    static let addresses = (1...4).map { "127.0.0.1:3480\($0)" }

    /// Four supervisords, one per replica server, and the events file their programs write.
    struct Servers {
        let folder: String
        var events: [String] {
            ((try? String(contentsOfFile: folder + "/events", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func folder(of index: Int) -> String { folder + "/replica-\(index)" }
        func pidFile(of index: Int) -> String { folder(of: index) + "/server.pid" }

        static func start(in fleet: LoopbackFleet) async throws -> Servers {
            let servers = Servers(folder: fleet.directory.path)
            for index in 1...4 {
                let folder = servers.folder(of: index)
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                // The stand-in: its pid where the double looks, a line when it starts and when it is stopped.
                let script = folder + "/server.sh"
                try """
                    #!/bin/sh
                    echo $$ > '\(servers.pidFile(of: index))'
                    echo "start r\(index)" >> '\(servers.folder)/events'
                    trap 'echo "stop r\(index)" >> "\(servers.folder)/events"; exit 0' TERM
                    sleep 3600 &
                    wait
                    """.write(toFile: script, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
                try (Supervisor.configuration(in: folder) + """
                    [program:pegasus-replica]
                    command=\(script)
                    autorestart=true
                    startsecs=0
                    stopasgroup=true
                    killasgroup=true
                    """).write(toFile: folder + "/supervisord.conf", atomically: true, encoding: .utf8)
                // Through `warden exec`, so the daemon is no child of the test process (see Supervisor).
                let started = try await warden(["exec", "-i", fleet.inventoryPath, "all", "--timeout", "30s", "--",
                                                 "/usr/bin/supervisord -c '\(folder)/supervisord.conf' < /dev/null > '\(folder)/supervisord.out' 2>&1"])
                guard started.status == 0 else { throw TestFailure("supervisord \(index): \(started.stdout)\(started.stderr)") }
            }
            let deadline = Date().addingTimeInterval(30)
            while servers.events.filter({ $0.hasPrefix("start") }).count < 4 {
                guard Date() < deadline else { throw TestFailure("the stand-in servers did not start: \(servers.events)") }
                try await Task.sleep(for: .milliseconds(100))
            }
            return servers
        }

        func stop() async {
            for index in 1...4 {
                _ = try? await runProcess("/usr/bin/supervisorctl", ["-c", folder(of: index) + "/supervisord.conf", "shutdown"])
            }
        }
    }

    /// The admin host (the double as its shell) and the four replica servers, all on the fleet's
    /// one host, each with its own host state folder and supervisord.
    static func inventory(_ fleet: LoopbackFleet, _ cluster: PegasusTestCluster, _ servers: Servers) throws -> String {
        let host = fleet.hosts[0]
        func entry(_ name: String, groups: [String], vars: [String]) -> String {
            """
              \(name):
                address: \(host.address)
                port: \(fleet.port)
                groups: [\(groups.joined(separator: ", "))]
                host_state_dir: "\(fleet.directory.path)/hosts/\(name)/state"
                vars:
            \(vars.map { "      " + $0 }.joined(separator: "\n"))

            """
        }
        var text = """
            defaults:
              user: \(fleet.user)
              identity_file: "\(fleet.clientKeyPath)"
              known_hosts: "\(fleet.knownHostsPath)"
              connect_timeout: 20s
            hosts:

            """
        text += entry("admin", groups: ["pegasus-admin"],
                      vars: ["pegasus_shell: [env, \"PEGASUS_FAKE_STATE=\(cluster.statePath)\", \"\(PegasusTestCluster.shellDouble)\", config.ini, onebox]"])
        for index in 1...4 {
            text += entry("replica-\(index)", groups: ["pegasus-replica"], vars: [
                "pegasus_address: \"\(addresses[index - 1])\"", "supervisor: supervisord",
                "supervisor_ctl: [supervisorctl, -c, \"\(servers.folder(of: index))/supervisord.conf\"]",
            ])
        }
        let path = fleet.directory.appendingPathComponent("rolling-inventory.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `body` with the servers up and the cluster's state made (placement on, servers' liveness
    /// read from their pid files), and always stops the supervisords.
    static func withCluster(name: String = #function, _ body: (LoopbackFleet, PegasusTestCluster, Servers, String) async throws -> Void) async throws {
        // Named after the test: fleets of tests running side by side must not share a name (and so an address).
        try await withFleet(hosts: 1, logCommands: true, name: name) { fleet in
            let servers = try await Servers.start(in: fleet)
            do {
                let pidFiles = (1...4).flatMap { ["--pid-file", "\(addresses[$0 - 1])=\(servers.pidFile(of: $0))"] }
                let cluster = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--placement"] + pidFiles)
                try await body(fleet, cluster, servers, try inventory(fleet, cluster, servers))
            } catch {
                await servers.stop()
                throw error
            }
            await servers.stop()
        }
    }

    /// Runs the double once as the runbook does and returns what it printed.
    static func shell(_ cluster: PegasusTestCluster, _ commands: [String]) async throws -> String {
        let output = try await runProcess("/usr/bin/env", ["PEGASUS_FAKE_STATE=\(cluster.statePath)", PegasusTestCluster.shellDouble, "config.ini", "onebox"],
                                          input: commands.joined(separator: "\n") + "\n")
        return output.stdout + output.stderr
    }

    @Test func thePlanShowsEveryServersStepsInOrder() async throws {
        try await withFleet(hosts: 1) { fleet in
            let cluster = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--placement"])
            let servers = Servers(folder: fleet.directory.path)
            let inventory = try Self.inventory(fleet, cluster, servers)
            let plan = try await warden(["plan", Self.runbook, "-i", inventory, "-p", "cluster=c1", "--limit", "admin,replica-2,replica-4",
                                         "--output", "json"])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            let decoded = try JSONDecoder().decode(Plan.self, from: Data(plan.stdout.utf8))
            let ids = decoded.steps.map(\.id)
            let perServer = ["ready", "all_alive", "no_new_secondaries", "move_primaries", "downgrade_secondaries", "close_replicas",
                             "restart", "alive", "secondaries_again", "healthy"]
            #expect(ids == ["go", "steady", "hold_replicas", "flow_control_on"]
                        + ["replica-2", "replica-4"].flatMap { host in perServer.map { "restart[\(host)].\($0)" } }, "\(ids)")
            let restart = try #require(decoded.steps.first { $0.id == "restart[replica-4].restart" })
            #expect(restart.hosts.map(\.host) == ["replica-4"])
            let close = try #require(decoded.steps.first { $0.id == "restart[replica-2].close_replicas" })
            #expect(close.hosts.map(\.host) == ["admin"])
            #expect(close.hosts.first?.command?.contains("node=127.0.0.1:34802") == true, "\(close.hosts.first?.command ?? "")")
        }
    }

    @Test(.enabled(if: Supervisor.available && getuid() == 0, "needs Debian's supervisor package, and root to approve as a second user"))
    func everyServerIsRestartedOnceInOrderNeverTwoDownAndTheKnobsAreRestored() async throws {
        try await Self.withCluster { fleet, cluster, servers, inventory in
            let state = try sharedState(fleet)
            let (background, _, approverSaw) = try await startApproved(
                fleet, [Self.runbook, "-i", inventory, "-p", "cluster=c1", "-p", "poll=1s", "-p", "healthy_timeout=2m"], state: state)
            #expect(approverSaw.contains("restart[replica-4].restart"), "\(approverSaw)")
            let (status, report) = try await background.finishReport()
            #expect(status == 0, "\(report.reason ?? "") \(report.steps.filter { $0.status != .ok }.map { "\($0.id): \($0.summary)" })")

            // Once each, in inventory order, each back before the next was stopped.
            let restarts = servers.events.dropFirst(4)
            #expect(Array(restarts) == (1...4).flatMap { ["stop r\($0)", "start r\($0)"] }, "\(servers.events)")

            // Drained before it was stopped: no primary moved to a server being drained, one kill_partition each.
            let commands = cluster.commands
            for address in Self.addresses {
                #expect(commands.filter { $0 == "remote_command -l \(address) replica.kill_partition" }.count == 1, "\(commands)")
            }
            #expect(commands.contains { $0.hasPrefix("balance -g ") && $0.contains(" -p move_pri -f 127.0.0.1:34801 -t ") }, "\(commands)")
            #expect(commands.contains { $0.hasPrefix("propose -g ") && $0.contains(" -p DOWNGRADE_TO_INACTIVE -t ") && $0.hasSuffix(" -n 127.0.0.1:34801") },
                    "\(commands)")

            // Healthy, every server ALIVE, steady, and the knobs as before: flow control was off.
            let after = try await Self.shell(cluster, ["ls -d", "nodes -d", "get_meta_level",
                                                       "remote_command -l 127.0.0.1:34601 meta.lb.add_secondary_enable_flow_control",
                                                       "remote_command -l 127.0.0.1:34601 meta.lb.add_secondary_max_count_for_one_node",
                                                       "remote_command -l 127.0.0.1:34601 meta.lb.assign_delay_ms"])
            #expect(after.contains("unhealthy_app_count        : 0"), "\(after)")
            #expect(!after.contains("UNALIVE"), "\(after)")
            #expect(cluster.metaLevel == "steady")
            #expect(after.contains("succeed: false"), "flow control back off: \(after)")
            #expect(after.contains("succeed: 10\n"), "the per-node count at its default: \(after)")
            #expect(after.contains("succeed: 300000\n"), "assign_delay_ms at its default: \(after)")
            #expect(report.cleanup.map(\.status) == [.ok])
            #expect(report.deadmen.map(\.status) == [.disarmed])
        }
    }

    @Test(.enabled(if: Supervisor.available && getuid() == 0, "needs Debian's supervisor package, and root to approve as a second user"))
    func aTableLosingItsPrimaryWhileAServerRestartsStopsTheRolloutWithTheKnobsRestored() async throws {
        try await Self.withCluster { fleet, cluster, servers, inventory in
            let state = try sharedState(fleet)
            let (background, _, _) = try await startApproved(
                fleet, [Self.runbook, "-i", inventory, "-p", "cluster=c1", "-p", "poll=1s", "-p", "healthy_timeout=2m"], state: state)
            // While the first server restarts, a table is left with a partition that has no replica at all,
            // its last two replicas on servers that are gone: the meta cannot cure it (DDD), it stays unreadable.
            let deadline = Date().addingTimeInterval(120)
            while !servers.events.contains("stop r1") {
                guard Date() < deadline else { throw TestFailure("replica-1 was never stopped: \(servers.events)") }
                try await Task.sleep(for: .milliseconds(50))
            }
            try cluster.edit { state in
                var tables = state["tables"] as? [[String: Any]] ?? []
                var broken = tables[0]
                broken["app_id"] = 9
                broken["app_name"] = "orders"
                broken["partition_count"] = 1
                let gone = [["node": "10.0.0.8:34801", "time": 1], ["node": "10.0.0.9:34801", "time": 2]] as [[String: Any]]
                broken["partitions"] = [["pidx": 0, "ballot": 3, "primary": NSNull(), "secondaries": [String](), "dropped": gone] as [String: Any]]
                tables.append(broken)
                state["tables"] = tables
            }
            let (status, report) = try await background.finishReport()
            #expect(status == 1, "\(report.status) \(report.reason ?? "")")
            #expect(report.reason?.contains("partition without a primary") == true, "\(report.reason ?? "")")
            #expect(Array(servers.events.dropFirst(4)) == ["stop r1", "start r1"], "no other server was touched: \(servers.events)")
            #expect(!cluster.commands.contains { $0.contains("-f 127.0.0.1:34802") || $0.hasSuffix("-n 127.0.0.1:34802") }, "replica-2 was not drained")
            #expect(report.cleanup.map(\.status) == [.ok])
            let after = try await Self.shell(cluster, ["remote_command -l 127.0.0.1:34601 meta.lb.add_secondary_enable_flow_control",
                                                       "remote_command -l 127.0.0.1:34601 meta.lb.add_secondary_max_count_for_one_node",
                                                       "remote_command -l 127.0.0.1:34601 meta.lb.assign_delay_ms"])
            #expect(after.contains("succeed: false") && after.contains("succeed: 10\n") && after.contains("succeed: 300000\n"), "\(after)")
            #expect(cluster.metaLevel == "steady")
        }
    }
}
