import Foundation
import Testing
@testable import WardenCore

/// `Tests/Doubles/pegasus_shell` against the research's samples (byte for byte), Warden's own
/// parsers, and its state changes. See Tests/Doubles/README.md for what it models.
@Suite("pegasus_shell double")
struct PegasusShellDoubleTests {
    /// One test's state file and the shell sessions run against it.
    struct Shell {
        let folder: URL
        var state: String { folder.appendingPathComponent("pegasus-state.json").path }

        static func make(_ options: [String] = []) async throws -> Shell {
            let shell = Shell(folder: try DoubleProcess.scratchFolder())
            try await shell.reset(options)
            return shell
        }

        /// Rewrites the state from `--init-state` options (and starts a fresh command log).
        func reset(_ options: [String]) async throws {
            let result = try await DoubleProcess.run("pegasus_shell", ["--init-state", state] + options)
            #expect(result.status == 0, "\(result.stderr)")
        }

        /// `printf 'cmd\n...' | pegasus_shell config.ini onebox`, as upstream scripts drive it.
        func session(_ commands: [String], mergeStreams: Bool = false) async throws -> DoubleProcess.Output {
            try await DoubleProcess.run("pegasus_shell", ["config.ini", "onebox"], environment: ["PEGASUS_FAKE_STATE": state],
                                        input: commands.map { $0 + "\n" }.joined(), mergeStreams: mergeStreams)
        }

        /// What one command printed on stdout, without the banner and the exit line.
        func stdout(_ command: String) async throws -> String {
            let result = try await session([command])
            #expect(result.status == 0)
            return try Self.commandOutput(result.stdout)
        }

        /// The 7 banner lines (main.cpp initialize()) and `dsn exit with code 0` cut off.
        static func commandOutput(_ stdout: String) throws -> String {
            var lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count >= 9, lines[0].hasPrefix("Pegasus Shell "), lines[6].hasPrefix("The cluster meta list is: "),
                  lines[lines.count - 2] == "dsn exit with code 0", lines[lines.count - 1].isEmpty else {
                throw DoubleProcess.Failure(description: "not a pegasus_shell session: \(stdout)")
            }
            lines.removeFirst(7)
            lines.removeLast(2)
            return lines.map { $0 + "\n" }.joined()
        }

        func log() throws -> [String] {
            let text = try String(contentsOfFile: state + ".log", encoding: .utf8)
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }

        func stateDocument() throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: state))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw DoubleProcess.Failure(description: "the state is not a JSON object")
            }
            return object
        }
    }

    // The onebox the RENDERED samples depict: temp's [nodes] table in app_-d.master.RENDERED.txt
    // holds 3/5, 2/5 and 2/4 primaries/secondaries, whose stddevs are cluster_info's 0.47 and 0.82.
    private static let renderedOnebox = [
        "--level", "lively", "--set", "balance_step=0",
        "--set", #"balance={"move_pri":1,"copy_pri":0,"copy_sec":2}"#,
        "--set", #"nodes=[{"address":"127.0.0.1:34801","primary_count":3,"secondary_count":5},{"address":"127.0.0.1:34802","primary_count":2,"secondary_count":5},{"address":"127.0.0.1:34803","primary_count":2,"secondary_count":4}]"#,
    ]
    private static let renderedTables = [
        "--set", #"tables=[{"app_id":1,"app_name":"stat","partition_count":4},{"app_id":2,"app_name":"temp","partition_count":8,"envs_count":1,"fully_healthy":5,"write_unhealthy":1,"read_unhealthy":0,"atomic_idempotent":false}]"#,
    ]

    // MARK: (a) byte for byte with the samples

    @Test(arguments: [("2.5.0", "pegasus/cluster_info.v2.5.RENDERED.txt"), ("master", "pegasus/cluster_info.master.RENDERED.txt")])
    func clusterInfoMatchesTheRenderedSamples(version: String, file: String) async throws {
        let shell = try await Shell.make(["--version", version] + Self.renderedOnebox)
        for command in ["cluster_info", "cluster_info -j"] {
            #expect(try await shell.stdout(command) == DoubleProcess.sample(file, command: command), "\(file) \(command)")
        }
    }

    @Test(arguments: [("2.5.0", "pegasus/ls_-d.v2.5.RENDERED.txt"), ("master", "pegasus/ls_-d.master.RENDERED.txt")])
    func detailedListMatchesTheRenderedSamples(version: String, file: String) async throws {
        let shell = try await Shell.make(["--version", version] + Self.renderedTables)
        for command in ["ls -d", "ls -d -j"] {
            #expect(try await shell.stdout(command) == DoubleProcess.sample(file, command: command), "\(file) \(command)")
        }
    }

    @Test(arguments: ["2.5.0", "master"])
    func nodesMatchTheRenderedSample(version: String) async throws {
        let shell = try await Shell.make(["--version", version, "--set", #"nodes=[{"address":"127.0.0.1:34801","primary_count":6,"secondary_count":6},{"address":"127.0.0.1:34802","primary_count":4,"secondary_count":8},{"address":"127.0.0.1:34803","primary_count":2,"secondary_count":10},{"address":"127.0.0.1:34804","status":"UNALIVE"}]"#])
        for command in ["nodes -d", "nodes -d -j", "nodes"] {
            #expect(try await shell.stdout(command) == DoubleProcess.sample("pegasus/nodes_-d.RENDERED.txt", command: command), "\(command)")
        }
    }

    @Test func metaLevelRepliesMatchTheCaptures() async throws {
        let shell = try await Shell.make(["--level", "steady"])
        // The docs put a blank line after each command's output; the shell prints none.
        let documented = try DoubleProcess.sample("pegasus/get_meta_level.and.balance.website-rebalance.txt", command: "get_meta_level")
        #expect(try await shell.stdout("get_meta_level") + "\n" == documented)
        #expect(try await shell.stdout("set_meta_level lively")
            == DoubleProcess.sample("pegasus/set_meta_level.thirdparty-skv-1.12.3.txt", command: "set_meta_level lively"))
    }

    @Test func everyLevelUsesTheSourceStrings() async throws {
        let shell = try await Shell.make(["--level", "steady"])
        var old = "fl_steady"
        for level in ["stopped", "blind", "freezed", "lively", "steady"] {
            let reply = try await shell.stdout("set_meta_level \(level)")
            #expect(reply == (try ParserFixture.sourceString(startingWith: "control meta level ok", old)) + "\n")
            let current = try await shell.stdout("get_meta_level")
            #expect(current == (try ParserFixture.sourceString(startingWith: "current meta level is", "fl_" + level)) + "\n")
            old = "fl_" + level
        }
    }

    @Test func v25RemoteCommandsMatchTheRenderedSampleOnStderr() async throws {
        let file = "pegasus/remote_command_server_info.v2.5.RENDERED.txt"
        let shell = try await Shell.make(["--set", #"remote_commands={"meta.lb.assign_delay_ms":"600000"}"#,
                                          "--set", #"unreachable=["127.0.0.1:34603"]"#])
        let query = "remote_command -t meta-server meta.lb.assign_delay_ms"
        let queried = try await shell.session([query])
        #expect(queried.stderr == (try DoubleProcess.sample(file, command: query)))
        try await shell.reset(["--set", "unreachable=[]"])
        let set = "remote_command -t meta-server meta.lb.assign_delay_ms 10"
        #expect(try await shell.session([set]).stderr == (try DoubleProcess.sample(file, command: set)))
        try await shell.reset(["--set", #"balance={"move_pri":1,"copy_pri":0,"copy_sec":2}"#])
        let detail = "remote_command -l 127.0.0.1:34601 meta.lb.get_balance_operation_count detail"
        #expect(try await shell.session([detail]).stderr == (try DoubleProcess.sample(file, command: detail)))
        try await shell.reset(["--metas", "1", "--nodes", "1", "--set", #"servers={"127.0.0.1:34601":{"start_time":"2024-04-15 06:58:30"},"127.0.0.1:34801":{"start_time":"2024-04-15 06:58:31"}}"#])
        let info = try await shell.session(["server_info"])
        #expect(info.stderr == (try DoubleProcess.sample(file, command: "server_info")))
        // v2.5.0 writes all of it to stderr: stdout holds only the banner and the exit line.
        #expect(try Shell.commandOutput(info.stdout).isEmpty)
    }

    @Test func masterRemoteCommandsMatchTheRenderedSampleOnStdout() async throws {
        let file = "pegasus/remote_command_server_info_server_stat.master.RENDERED.txt"
        let shell = try await Shell.make(["--version", "master", "--set", #"remote_commands={"meta.lb.assign_delay_ms":"600000"}"#,
                                          "--set", #"unreachable=["127.0.0.1:34603"]"#,
                                          "--set", #"balance={"move_pri":1,"copy_pri":0,"copy_sec":2}"#])
        for command in ["remote_command -t meta-server meta.lb.assign_delay_ms",
                        "remote_command -l 127.0.0.1:34601 meta.lb.get_balance_operation_count detail"] {
            #expect(try await shell.stdout(command) == DoubleProcess.sample(file, command: command), "\(command)")
        }
        try await shell.reset(["--version", "master", "--metas", "2", "--nodes", "1",
                               "--set", #"servers={"127.0.0.1:34601":{"start_time":"2026-03-14 10:00:00"},"127.0.0.1:34602":{"start_time":"2026-03-14 10:00:01"}}"#,
                               "--set", #"nodes=[{"address":"127.0.0.1:34801","primary_count":6,"secondary_count":6}]"#])
        for command in ["server_info -t meta-server", "server_stat -t replica-server"] {
            #expect(try await shell.stdout(command) == DoubleProcess.sample(file, command: command), "\(command)")
        }
    }

    @Test func v25ServerStatMatchesTheDocsCapture() async throws {
        // The docs' four replica servers (ports 32801) and their counters, read from the capture:
        // what is checked is the framing, the order and the text the double builds from them.
        let file = "pegasus/server_stat.website-rebalance-oldformat.txt"
        let expected = try DoubleProcess.sample(file, command: "server_stat -t replica-server")
        var nodes: [[String: Any]] = []
        var servers: [String: Any] = [:]
        for line in expected.split(separator: "\n") where line.hasPrefix("CALL ") {
            let address = String(line.split(separator: "[")[2].split(separator: "]")[0])
            let counters = line.components(separatedBy: "succeed: ")[1].components(separatedBy: ", ")
            var stat: [String: String] = [:]
            for counter in counters {
                let pair = counter.split(separator: "=", maxSplits: 1).map(String.init)
                stat[pair[0]] = pair[1]
            }
            let serving = Int(stat["serving_replica_count"] ?? "") ?? 0
            nodes.append(["address": address, "primary_count": serving / 3, "secondary_count": serving - serving / 3])
            servers[address] = ["stat": stat]
        }
        #expect(nodes.count == 4)
        let json = { (value: Any) throws -> String in String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self) }
        let shell = try await Shell.make(["--metas", "1", "--set", "nodes=" + (try json(nodes)), "--set", "servers=" + (try json(servers))])
        #expect(try await shell.session(["server_stat -t replica-server"]).stderr == expected)
    }

    @Test func theDocsCopiesMatchApartFromWhatTheirAuthorsTrimmed() async throws {
        // table-env.md's `ls`: the author stripped trailing spaces and left out the [summary] table.
        let shell = try await Shell.make(["--set", #"tables=[{"app_id":2,"app_name":"temp","partition_count":8,"envs_count":1}]"#])
        let documented = try DoubleProcess.sample("pegasus/ls.website-table-env.txt", command: "ls")
        let printed = try await shell.stdout("ls")
        let trimmed = printed.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }.joined(separator: "\n")
        #expect(trimmed.hasPrefix(documented))
        #expect(printed.hasSuffix("\n[summary]\ntotal_app_count  : 1\n\n"))

        // rebalance.md's remote_command copies dropped the code's two blank lines; its default
        // assign_delay_ms is v2.5.0's code default, 300000.
        let docs = "pegasus/remote_command.website-rebalance.txt"
        let unblank = { (text: String) in text.split(separator: "\n").map { $0 + "\n" }.joined() }
        let delayShell = try await Shell.make([])
        let query = "remote_command -t meta-server meta.lb.assign_delay_ms"
        #expect(unblank(try await delayShell.session([query]).stderr) == (try DoubleProcess.sample(docs, command: query)))
        let set = "remote_command -t meta-server meta.lb.assign_delay_ms 10"
        #expect(unblank(try await delayShell.session([set]).stderr) == (try DoubleProcess.sample(docs, command: set)))
        #expect(unblank(try await delayShell.session([query]).stderr) == (try DoubleProcess.sample(docs, command: query, occurrence: 1)))

        // The 1.12.3 capture (its wrapper adds a blank line between commands).
        let fork = try await Shell.make(["--set", #"meta_servers=["10.120.9.250:8710","10.120.9.250:8711","10.120.9.250:8712"]"#,
                                         "--set", "primary_meta_server=10.120.9.250:8710"])
        #expect(try await fork.session([set]).stderr + "\n"
            == DoubleProcess.sample("pegasus/remote_command_and_server_info.thirdparty-skv-1.12.3.txt", command: set))
    }

    // MARK: (b) Warden's parsers read the double's output as the state says

    @Test(arguments: ["2.5.0", "master"])
    func parsersReadTheStateBack(version: String) async throws {
        let shell = try await Shell.make(["--version", version, "--nodes", "4", "--unalive", "127.0.0.1:34804", "--tables", "3",
                                          "--unhealthy-partitions", "2", "--pending-moves", "4", "--pending-copies", "1"])
        func parsed(_ parser: String, _ command: String) async throws -> Value {
            // As upstream scripts read the shell: `2>&1`, banner and exit line included.
            let session = try await shell.session([command], mergeStreams: true)
            #expect(session.status == 0)
            return try ParserFixture.parse(parser, session.merged)
        }
        let info = try await parsed("pegasus.cluster_info", "cluster_info")
        #expect(info.at("meta_function_level") == .string("steady"))
        #expect(info.at("balance_operation_count") == ParserFixture.ints(["move_pri": 4, "copy_pri": 0, "copy_sec": 1, "total": 5]))
        #expect(info.at("meta_servers") == ParserFixture.strings(["127.0.0.1:34601", "127.0.0.1:34602", "127.0.0.1:34603"]))
        #expect(info.at("cluster_name") == .string("onebox"))
        #expect(try await parsed("pegasus.cluster_info", "cluster_info -j").removingKey("format") == info.removingKey("format"))

        // stat 4 + temp 8 + table_3 8 partitions, 3 replicas each, on the 3 alive nodes.
        let nodes = try await parsed("pegasus.nodes", "nodes -d")
        #expect(nodes.at("total_node_count") == .int(4))
        #expect(nodes.at("alive_node_count") == .int(3))
        #expect(nodes.at("nodes", 3, "status") == .string("UNALIVE"))
        #expect(nodes.at("nodes", 3, "replica_count") == .int(0))
        #expect(nodes.at("replica_count_skew", "min") == .int(20))
        #expect(nodes.at("replica_count_skew", "max") == .int(20))
        let state = try shell.stateDocument()
        let stateNodes = try #require(state["nodes"] as? [[String: Any]])
        for (index, node) in stateNodes.enumerated() {
            #expect(nodes.at("nodes", .index(index), "primary_count") == .int(node["primary_count"] as? Int ?? -1))
        }

        let apps = try await parsed("pegasus.ls", "ls -d")
        #expect(apps.at("apps").itemCount == 3)
        #expect(apps.at("apps", 2, "app_name") == .string("table_3"))
        #expect(apps.at("apps", 2, "fully_healthy") == .int(6))
        #expect(apps.at("apps", 2, "unhealthy") == .int(2))
        #expect(apps.at("unhealthy_app_count") == .int(1))
        #expect(apps.at("apps", 0, "atomic_idempotent") == (version == "master" ? .bool(false) : .null))

        #expect(try await parsed("pegasus.meta_level", "get_meta_level").at("level") == .string("steady"))
        #expect(try await parsed("pegasus.set_meta_level", "set_meta_level freezed").at("old_level") == .string("steady"))
        #expect(try await parsed("pegasus.meta_level", "get_meta_level").at("level") == .string("freezed"))

        let servers = try await parsed("pegasus.server_info", "server_info")
        #expect(servers.at("versions") == ParserFixture.strings([version == "master" ? "2.6.0-SNAPSHOT" : "2.5.0"]))
        // 3 metas and the 3 ALIVE replica servers.
        #expect(servers.at("nodes").itemCount == 6)
        #expect(servers.at("format") == .string(version == "master" ? "json" : "text"))

        let remote = try await parsed("pegasus.remote_command", "remote_command -t meta-server meta.lb.assign_delay_ms 10")
        #expect(remote.at("succeed_count") == .int(3))
        #expect(remote.at("nodes", 1, "message") == .string("unknown command 'meta.lb.assign_delay_ms'"))

        let stats = try await parsed("pegasus.app_stat", "app_stat")
        #expect(stats.at("rows").itemCount == 3)
        #expect(stats.at("total", "pcount") == .int(20))

        let serverStat = try await parsed("pegasus.server_stat", "server_stat -t replica-server")
        #expect(serverStat.at("nodes").itemCount == 3)
    }

    // MARK: (c) state changes, and the behaviours operators meet

    @Test func setMetaLevelPersistsAndIsLogged() async throws {
        let shell = try await Shell.make(["--level", "steady"])
        #expect(try await shell.stdout("set_meta_level lively") == "control meta level ok, the old level is fl_steady\n")
        #expect(try await shell.stdout("get_meta_level") == "current meta level is fl_lively\n")
        #expect(try shell.stateDocument()["meta_function_level"] as? String == "lively")
        #expect(try shell.log() == ["set_meta_level lively", "get_meta_level"])
    }

    @Test func theBalancerDrainsOnlyWhileLively() async throws {
        let shell = try await Shell.make(["--level", "steady", "--pending-moves", "2", "--pending-copies", "1"])
        func total() async throws -> Value {
            let session = try await shell.session(["cluster_info"])
            return try ParserFixture.parse("pegasus.cluster_info", session.stdout).at("balance_operation_count", "total")
        }
        #expect(try await total() == .int(3))
        #expect(try await total() == .int(3), "steady only reports")
        _ = try await shell.session(["set_meta_level lively"])
        // Each later invocation is one balancer round of balance_step (1) operations.
        #expect(try await total() == .int(2))
        #expect(try await total() == .int(1))
        #expect(try await total() == .int(0))
        #expect(try await total() == .int(0))
        let info = try ParserFixture.parse("pegasus.cluster_info", try await shell.session(["cluster_info"]).stdout)
        #expect(info.at("balance_operation_count", "move_pri") == .int(0))
        #expect(info.at("meta_function_level") == .string("lively"))
    }

    @Test func anUnhealthyTableOrAFreezeStopsTheBalancer() async throws {
        let sick = try await Shell.make(["--level", "lively", "--pending-moves", "2", "--unhealthy-partitions", "1"])
        for _ in 0..<2 {
            let info = try ParserFixture.parse("pegasus.cluster_info", try await sick.session(["cluster_info"]).stdout)
            #expect(info.at("balance_operation_count", "total") == .int(2))
        }
        // Two of three replica servers dead: below min_live_node_count_for_unfreeze (3), the
        // effective level is freezed while the stored one stays lively (pegasus.md §3.3).
        let frozen = try await Shell.make(["--level", "lively", "--pending-moves", "2", "--unalive", "127.0.0.1:34802,127.0.0.1:34803"])
        let session = try await frozen.session(["cluster_info", "get_meta_level"])
        #expect(try ParserFixture.parse("pegasus.cluster_info", session.stdout).at("meta_function_level") == .string("freezed"))
        #expect(try ParserFixture.parse("pegasus.cluster_info", session.stdout).at("balance_operation_count", "total") == .int(2))
        #expect(session.stdout.contains("current meta level is fl_lively\n"))
    }

    @Test func failuresStillExitZeroAndSayWhy() async throws {
        let shell = try await Shell.make(["--set", "meta_error=ERR_TIMEOUT"])
        let session = try await shell.session(["cluster_info", "get_meta_level", "set_meta_level lively", "nodes -d", "ls"])
        #expect(session.status == 0)
        #expect(try Shell.commandOutput(session.stdout) == """
            get cluster info failed, error=ERR_TIMEOUT
            get meta level got error ERR_TIMEOUT
            control meta level got error ERR_TIMEOUT
            list nodes failed, error=ERR_TIMEOUT
            list apps failed, error=ERR_TIMEOUT

            """)
        #expect(ParserFixture.failure("pegasus.cluster_info", session.stdout)?
            .hasSuffix("pegasus_shell reported an error: \"get cluster info failed, error=ERR_TIMEOUT\"") == true)
        // Without the meta's answer the banner keeps the name from argv.
        #expect(session.stdout.contains("The cluster name is: onebox\n"))
    }

    @Test func emptyLinesUnknownCommandsAndBadArgumentsAsTheShellAnswersThem() async throws {
        let shell = try await Shell.make([])
        let session = try await shell.session(["", "frobnicate", "set_meta_level", "set_meta_level fast"])
        #expect(session.status == 0)
        let output = try Shell.commandOutput(session.stdout)
        #expect(output.hasPrefix("Invalid argument(s)\nERROR: invalid subcommand 'frobnicate'\nUsage:\n\thelp"))
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("USAGE: \tset_meta_level") }.count == 2)
        #expect(session.stderr == "parse fast as meta function level failed\n")
        // master prints the same refusal in bold red.
        try await shell.reset(["--version", "master"])
        let master = try await shell.session(["set_meta_level fast"])
        #expect(master.stderr.contains("ERROR: parse fast as meta function level failed"))
        #expect(master.stderr.hasPrefix("\u{1B}["))
        #expect(master.stdout.hasPrefix("Pegasus Shell 2.6.0-SNAPSHOT\n"))
    }

    @Test func anInitFailureExitsNonZero() async throws {
        let shell = try await Shell.make(["--set", "init_fails=true"])
        let session = try await shell.session(["cluster_info"])
        #expect(session.status == 255)
        #expect(session.stdout.hasSuffix("ERROR: init pegasus failed: config.ini\ndsn exit with code -1\n"))
    }

    @Test func concurrentShellsNeitherLoseCommandsNorCorruptTheState() async throws {
        let shell = try await Shell.make(["--level", "steady"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let level = index.isMultiple(of: 2) ? "lively" : "steady"
                    let session = try await shell.session(["set_meta_level \(level)", "cluster_info"])
                    #expect(session.status == 0)
                }
            }
            try await group.waitForAll()
        }
        #expect(try shell.log().count == 16)
        #expect(["lively", "steady"].contains(try shell.stateDocument()["meta_function_level"] as? String ?? ""))
    }
}
