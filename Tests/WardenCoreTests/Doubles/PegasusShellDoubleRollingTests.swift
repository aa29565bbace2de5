import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import WardenCore

/// What a rolling restart of replica servers reads and changes, through `Tests/Doubles/pegasus_shell`:
/// partition placement (`app -d`, derived `nodes -d` / `ls -d`), `balance` / `propose` as
/// migrate_node.sh and downgrade_node.sh send them, `replica.kill_partition`, and liveness tied to
/// a real process through `pid_file`. Formats and the model: Tests/Doubles/README.md.
@Suite("pegasus_shell double: rolling restart")
struct PegasusShellDoubleRollingTests {
    typealias Shell = PegasusShellDoubleTests.Shell

    static let a = "127.0.0.1:34801", b = "127.0.0.1:34802", c = "127.0.0.1:34803"

    /// Expected text written with a `$` after each line whose trailing spaces matter (the table
    /// printer pads every cell), so that no editor can strip them.
    static func exact(_ text: String) -> String {
        text.replacingOccurrences(of: "$\n", with: "\n")
    }

    /// `echo 'nodes -d' | ./run.sh shell | grep $node | awk '{print $N}'` (pegasus_rolling_update.sh).
    static func nodeColumn(_ shell: Shell, _ node: String, _ column: Int) async throws -> String {
        let output = try await shell.stdout("nodes -d")
        let row = try #require(output.split(separator: "\n").first { $0.hasPrefix(node + " ") })
        return String(row.split(separator: " ")[column - 1])
    }

    /// pegasus_rolling_update.sh's health test: `ls -d | awk 'f{ if(NF<7){f=0} else if($3!=$4){print} } / fully_healthy /{f=1}'`,
    /// the names of the tables whose fully_healthy differs from partition_count.
    static func unhealthyTables(_ shell: Shell) async throws -> [String] {
        var inHealth = false
        var names: [String] = []
        for line in try await shell.stdout("ls -d").split(separator: "\n", omittingEmptySubsequences: false) {
            let fields = line.split(separator: " ")
            if inHealth {
                if fields.count < 7 { inHealth = false } else if fields[2] != fields[3] { names.append(String(fields[1])) }
            }
            if line.contains(" fully_healthy ") { inHealth = true }
        }
        return names
    }

    /// The `[replicas]` rows of `app <table> -d`, runs of spaces collapsed.
    static func replicaRows(_ shell: Shell, _ table: String) async throws -> [String] {
        try await shell.stdout("app \(table) -d").split(separator: "\n")
            .filter { $0.first?.isNumber == true && $0.contains("/") }
            .map { $0.replacingOccurrences(of: " +", with: " ", options: .regularExpression) }
    }

    /// The commands migrate_node.sh / downgrade_node.sh generate from `ls` and `app <t> -d`.
    static func generated(_ shell: Shell, for node: String, migrate: Bool) async throws -> [String] {
        var commands: [String] = []
        for app in try await shell.stdout("ls").split(separator: "\n") {
            let fields = app.split(separator: " ")
            guard fields.count > 3, fields[1] == "AVAILABLE" else { continue }
            for line in try await shell.stdout("app \(fields[2]) -d").split(separator: "\n") {
                let row = line.split(separator: " ")
                guard row.count >= 5, row[4].hasPrefix("[") else { continue }
                let secondaries = row[4].dropFirst().dropLast().split(separator: ",").map(String.init)
                if migrate, row[3] == node {
                    commands.append("balance --gpid \(fields[0]).\(row[0]) --type move_pri -f \(node) -t \(secondaries[0])")
                } else if !migrate, secondaries.contains(node) {
                    commands.append("propose --gpid \(fields[0]).\(row[0]) --type DOWNGRADE_TO_INACTIVE -t \(row[3]) -n \(node)")
                }
            }
        }
        return commands
    }

    /// A stand-in replica server process: `/bin/sleep`, its pid in a file the state names.
    final class StandIn {
        let process = Process()
        init(pidFile: String) throws {
            process.executableURL = URL(fileURLWithPath: "/bin/sleep")
            process.arguments = ["600"]
            try process.run()
            try String(process.processIdentifier).write(toFile: pidFile, atomically: true, encoding: .utf8)
        }
        /// SIGKILL, not `terminate()`: the test runner blocks SIGTERM and its children inherit the
        /// mask. Then waits (at most 10 s) until the process is gone or a zombie, which the double
        /// counts as dead; `waitUntilExit()` is not used, it spins forever off the main run loop.
        func stop() {
            let pid = process.processIdentifier
            let stat = "/proc/\(pid)/stat"
            func running() -> Bool {
                guard let text = try? String(contentsOfFile: stat, encoding: .utf8),
                      let state = text.split(separator: ")").last?.split(separator: " ").first else { return false }
                return state != "Z" && state != "X"
            }
            let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            guard command.hasPrefix("/bin/sleep"), running() else { return }
            kill(pid, SIGKILL)
            let deadline = Date().addingTimeInterval(10)
            while running(), Date() < deadline { usleep(10_000) }
        }
    }

    // MARK: app -d, byte for byte

    /// app_-d.master.RENDERED.txt (research sample; the test bundle does not carry it): the
    /// placement it depicts, at level freezed so the meta's cure leaves partitions 3 and 6 alone.
    static let renderedPlacement: String = {
        let (a, b, c) = (Self.a, Self.b, Self.c)
        let partitions = [
            (0, 3, a, [b, c]), (1, 5, b, [a, c]), (2, 4, c, [a, b]), (3, 7, a, [b]),
            (4, 3, b, [c, a]), (5, 3, c, [b, a]), (6, 2, "", [a]), (7, 3, a, [c, b]),
        ].map { pidx, ballot, primary, secondaries in
            #"{"pidx":\#(pidx),"ballot":\#(ballot),"primary":\#(primary.isEmpty ? "null" : "\"\(primary)\""),"secondaries":[\#(secondaries.map { "\"\($0)\"" }.joined(separator: ","))]}"#
        }
        return #"tables=[{"app_id":2,"app_name":"temp","partition_count":8,"partitions":["# + partitions.joined(separator: ",") + "]}]"
    }()

    static let renderedAppDetailed = exact("""
        [parameters]
        app_name  : temp
        detailed  : true

        [general]
        app_name           : temp
        app_id             : 2   $
        partition_count    : 8   $
        max_replica_count  : 3   $

        [replicas]
        pidx  ballot  replica_count  primary          secondaries                        $
        0     3       3/3            127.0.0.1:34801  [127.0.0.1:34802,127.0.0.1:34803]  $
        1     5       3/3            127.0.0.1:34802  [127.0.0.1:34801,127.0.0.1:34803]  $
        2     4       3/3            127.0.0.1:34803  [127.0.0.1:34801,127.0.0.1:34802]  $
        3     7       2/3            127.0.0.1:34801  [127.0.0.1:34802]                  $
        4     3       3/3            127.0.0.1:34802  [127.0.0.1:34803,127.0.0.1:34801]  $
        5     3       3/3            127.0.0.1:34803  [127.0.0.1:34802,127.0.0.1:34801]  $
        6     2       1/3            -                [127.0.0.1:34801]                  $
        7     3       3/3            127.0.0.1:34801  [127.0.0.1:34803,127.0.0.1:34802]  $

        [nodes]
        node             primary  secondary  total  $
        127.0.0.1:34801  3        5          8      $
        127.0.0.1:34802  2        5          7      $
        127.0.0.1:34803  2        4          6      $
                         7        14         21     $

        [healthy]
        fully_healthy_partition_count    : 6
        unhealthy_partition_count        : 2
        write_unhealthy_partition_count  : 1
        read_unhealthy_partition_count   : 1


        """)

    static let renderedAppDetailedJSON: String = {
        var replicas: [String] = []
        let rows = [("0", "3", "3/3", a, "[\(b),\(c)]"), ("1", "5", "3/3", b, "[\(a),\(c)]"), ("2", "4", "3/3", c, "[\(a),\(b)]"),
                    ("3", "7", "2/3", a, "[\(b)]"), ("4", "3", "3/3", b, "[\(c),\(a)]"), ("5", "3", "3/3", c, "[\(b),\(a)]"),
                    ("6", "2", "1/3", "-", "[\(a)]"), ("7", "3", "3/3", a, "[\(c),\(b)]")]
        for (pidx, ballot, count, primary, secondaries) in rows {
            replicas.append("""
                        "\(pidx)": {
                            "pidx": "\(pidx)",
                            "ballot": "\(ballot)",
                            "replica_count": "\(count)",
                            "primary": "\(primary)",
                            "secondaries": "\(secondaries)"
                        }
                """)
        }
        var nodes: [String] = []
        for (node, primary, secondary, total) in [(a, "3", "5", "8"), (b, "2", "5", "7"), (c, "2", "4", "6"), ("", "7", "14", "21")] {
            nodes.append("""
                        "\(node)": {
                            "node": "\(node)",
                            "primary": "\(primary)",
                            "secondary": "\(secondary)",
                            "total": "\(total)"
                        }
                """)
        }
        return """
            {
                "parameters": {
                    "app_name": "temp",
                    "detailed": "true"
                },
                "general": {
                    "app_name": "temp",
                    "app_id": "2",
                    "partition_count": "8",
                    "max_replica_count": "3"
                },
                "replicas": {
            \(replicas.joined(separator: ",\n"))
                },
                "nodes": {
            \(nodes.joined(separator: ",\n"))
                },
                "healthy": {
                    "fully_healthy_partition_count": "6",
                    "unhealthy_partition_count": "2",
                    "write_unhealthy_partition_count": "1",
                    "read_unhealthy_partition_count": "1"
                }
            }

            """
    }()

    @Test(arguments: ["2.5.0", "master"])
    func appDetailedMatchesTheRenderedSample(version: String) async throws {
        let shell = try await Shell.make(["--version", version, "--level", "freezed", "--set", Self.renderedPlacement])
        #expect(try await shell.stdout("app temp -d") == Self.renderedAppDetailed)
        #expect(try await shell.stdout("app temp -d -j") == Self.renderedAppDetailedJSON)
        // The [general] part without -d; `detailed : false` pads `app_name`'s value to its width.
        #expect(try await shell.stdout("app temp") == Self.exact("""
            [parameters]
            app_name  : temp $
            detailed  : false

            [general]
            app_name           : temp
            app_id             : 2   $
            partition_count    : 8   $
            max_replica_count  : 3   $


            """))
        // The same partition configs drive nodes -d and ls -d.
        #expect(try await Self.nodeColumn(shell, Self.a, 3) == "8")
        #expect(try await Self.nodeColumn(shell, Self.c, 4) == "2")
        #expect(try await shell.stdout("ls -d").contains("\n2       temp      8                6              2          1                1               \n"))
    }

    @Test(arguments: ["2.5.0", "master"])
    func appErrorsAsTheMetaAnswersThem(version: String) async throws {
        let shell = try await Shell.make(["--version", version, "--placement", "--set", "tables.1.status=DROPPING"])
        #expect(try await shell.stdout("app nosuch -d") == "query app nosuch failed, error=ERR_OBJECT_NOT_FOUND\n")
        #expect(try await shell.stdout("app temp -d") == "query app temp failed, error=ERR_BUSY_DROPPING\n")
        #expect(try await shell.stdout("app bad/name") == "query app bad/name failed, error=ERR_INVALID_PARAMETERS\n")
        #expect(try await shell.stdout("app").hasPrefix("USAGE: \tapp "))
        try await shell.reset(["--version", version, "--set", "meta_error=ERR_TIMEOUT"])
        #expect(try await shell.stdout("app stat") == "query app stat failed, error=ERR_TIMEOUT\n")
    }

    // MARK: balance and propose

    @Test(arguments: ["2.5.0", "master"])
    func theDocsMovePrimaryAndDowngradeSequences(version: String) async throws {
        // rebalance.md's two captures (get_meta_level.and.balance / propose.website-rebalance):
        // table temp (app 1), partition 0 on three nodes of 10.231.58.233.
        let (n1, n2, n3) = ("10.231.58.233:34801", "10.231.58.233:34802", "10.231.58.233:34803")
        let nodes = #"nodes=[{"address":"\#(n1)"},{"address":"\#(n2)"},{"address":"\#(n3)"}]"#
        let table = #"tables=[{"app_id":1,"app_name":"temp","partition_count":1,"partitions":[{"pidx":0,"ballot":3,"primary":"\#(n3)","secondaries":["\#(n2)","\#(n1)"]}]}]"#
        let shell = try await Shell.make(["--version", version, "--set", nodes, "--set", table])
        func row() async throws -> String { try await Self.replicaRows(shell, "temp")[0] }
        #expect(try await row() == "0 3 3/3 \(n3) [\(n2),\(n1)] ")
        #expect(try await shell.stdout("balance -g 1.0 -p move_pri -f \(n3) -t \(n2)") == "send balance proposal result: ERR_OK\n")
        // The proposal runs in the meta's next round: the next invocation.
        #expect(try await row() == "0 5 3/3 \(n2) [\(n1),\(n3)] ")
        #expect(try await shell.stdout("propose -g 1.0 -p downgrade_to_inactive -t \(n2) -n \(n1)") == "send proposal response: ERR_OK\n")
        #expect(try await row() == "0 6 2/3 \(n2) [\(n3)] ")
        // Flow control off (the code default): the cure adds the downgraded node straight back.
        #expect(try await row() == "0 7 3/3 \(n2) [\(n3),\(n1)] ")
        #expect(try shell.log().contains("propose -g 1.0 -p downgrade_to_inactive -t \(n2) -n \(n1)"))
    }

    @Test(arguments: ["2.5.0", "master"])
    func whatTheMetaAnswersAProposal(version: String) async throws {
        let (a, b, c) = (Self.a, Self.b, Self.c)
        let shell = try await Shell.make(["--version", version, "--placement", "--tables", "1"])
        // Partition 1.0 is a's with [b, c]: a wrong primary is accepted, then dropped unseen.
        let replies = try await shell.session([
            "balance -g 1.0 -p move_pri -f \(b) -t \(c)",
            "balance -g 1.0 -p move_pri -f \(a) -t \(b)",  // the first is still pending
            "balance -g 1.4 -p move_pri -f \(a) -t \(b)",  // stat has 4 partitions
            "balance -g 5.0 -p move_pri -f \(a) -t \(b)",  // no app 5
            "propose -g 1.1 -p downgrade_to_inactive -t \(b) -n \(c)",
        ])
        #expect(try Shell.commandOutput(replies.stdout) == """
            send balance proposal result: ERR_OK
            send balance proposal result: ERR_INVALID_PARAMETERS
            send balance proposal result: ERR_INVALID_PARAMETERS
            send balance proposal result: \(version == "master" ? "ERR_APP_NOT_EXIST" : "ERR_INVALID_PARAMETERS")
            send proposal response: ERR_OK

            """)
        let rows = try await Self.replicaRows(shell, "stat")
        #expect(rows[0] == "0 3 3/3 \(a) [\(b),\(c)] ", "the wrong-primary move changed nothing")
        #expect(rows[1] == "1 4 2/3 \(b) [\(a)] ", "c was downgraded")
    }

    @Test(arguments: ["2.5.0", "master"])
    func balanceAndProposeArgumentErrors(version: String) async throws {
        let master = version == "master"
        let shell = try await Shell.make(["--version", version, "--placement", "--tables", "1"])
        let session = try await shell.session([
            "balance -g x.y -p move_pri -f \(Self.a) -t \(Self.b)",
            "balance -g 1.0 -p swap -f \(Self.a) -t \(Self.b)",
            "balance -g 1.0 -p move_pri -f nowhere -t \(Self.b)",
            "balance -g 1.0 -p move_pri -t \(Self.b) -t \(Self.b)",
            "balance -g 1.0",
            "propose -g 1.0 -p downgrade_to_inactive -n \(Self.b) -t \(Self.a)",
            "propose -g 1.0 -p to_nowhere -t \(Self.a) -n \(Self.b)",
            "propose -g 1.0 -p downgrade_to_inactive -t \(Self.a)",
        ])
        let red = { (text: String) in "\u{1B}[1m\u{1B}[38;2;255;000;000mERROR: \(text)\n\u{1B}[0m" }
        #expect(session.stderr == """
            parse x.y as gpid failed
            parse swap as a balance type failed
            parse nowhere as \(master ? "from_host_port" : "from_address") failed
            need set from address by -f

            """ + (master
                ? red("parse \(Self.b)  as node failed") + red("parse CT_to_nowhere as config_type failed.\n")
                : "parse CT_to_nowhere as config_type failed.\n"))
        let stdout = try Shell.commandOutput(session.stdout).split(separator: "\n")
        // Every refusal (and the short `balance -g 1.0`, `propose` without -n) prints the command's USAGE.
        #expect(stdout.filter { $0.hasPrefix("USAGE: \tbalance ") }.count == 5)
        #expect(stdout.filter { $0.hasPrefix("USAGE: \tpropose ") }.count == (master ? 3 : 2))
        // v2.5.0 takes `-n` before `-t`; master's check of `target` there refuses it.
        #expect(stdout.contains("send proposal response: ERR_OK") == !master)
    }

    // MARK: a rolling restart as pegasus_rolling_update.sh drives it

    @Test(arguments: ["2.5.0", "master"])
    func migrateDowngradeKillAndReturn(version: String) async throws {
        let master = version == "master"
        let (a, meta) = (Self.a, "127.0.0.1:34601")
        // The shipped config.ini: add-secondary flow control on, so max_count 0 holds replicas off.
        let shell = try await Shell.make(["--version", version, "--placement", "--shipped-config"])
        #expect(try await Self.nodeColumn(shell, a, 3) == "12")
        let knob = try await shell.session(["remote_command -l \(meta) meta.lb.add_secondary_max_count_for_one_node 0"], mergeStreams: true)
        #expect(knob.merged.contains(master ? "\"error\": \"ok\"" : "succeed: OK"))

        let moves = try await Self.generated(shell, for: a, migrate: true)
        #expect(moves.count == 4)
        let moved = try await shell.session(moves)
        #expect(try Shell.commandOutput(moved.stdout) == String(repeating: "send balance proposal result: ERR_OK\n", count: 4))
        #expect(try await Self.nodeColumn(shell, a, 4) == "0", "primary_count")
        #expect(try await Self.nodeColumn(shell, a, 3) == "12")
        #expect(try await Self.unhealthyTables(shell).isEmpty)

        let downgrades = try await Self.generated(shell, for: a, migrate: false)
        #expect(downgrades.count == 12)
        _ = try await shell.session(downgrades)
        #expect(try await Self.nodeColumn(shell, a, 3) == "0", "replica_count")
        #expect(try await Self.unhealthyTables(shell) == ["stat", "temp"])

        // The downgraded replicas are still open on a until killed.
        let kill = "remote_command -l \(a) replica.kill_partition 1 0"
        let killed = try await shell.session([kill, kill], mergeStreams: true)
        let replies = killed.merged.components(separatedBy: "ERR_").dropFirst().map { $0.prefix(16) }
        #expect(replies.map { $0.hasPrefix("OK") } == [true, false])
        #expect(killed.merged.contains("ERR_OBJECT_NOT_FOUND"))

        // Still held off while the knob is 0, however many rounds pass.
        _ = try await shell.session(["cluster_info"])
        #expect(try await Self.nodeColumn(shell, a, 3) == "0")
        _ = try await shell.session(["remote_command -l \(meta) meta.lb.add_secondary_max_count_for_one_node 100"])
        #expect(try await Self.nodeColumn(shell, a, 3) == "12")
        #expect(try await Self.nodeColumn(shell, a, 4) == "0")
        #expect(try await Self.unhealthyTables(shell).isEmpty)

        // Finally both knobs back to DEFAULT: the shipped config's values.
        let reset = try await shell.session(["remote_command -l \(meta) meta.lb.add_secondary_max_count_for_one_node DEFAULT",
                                             "remote_command -l \(meta) meta.lb.add_secondary_max_count_for_one_node"], mergeStreams: true)
        if master {
            #expect(reset.merged.contains(#""meta.lb.add_secondary_max_count_for_one_node": 20"#))
            #expect(reset.merged.contains(#""meta.lb.add_secondary_max_count_for_one_node": "20""#))
        } else {
            #expect(reset.merged.contains("succeed: OK\n"))
            #expect(reset.merged.contains("succeed: 20\n"))
        }
    }

    @Test(arguments: ["2.5.0", "master"])
    func killPartitionRepliesInBothEnvelopes(version: String) async throws {
        let shell = try await Shell.make(["--version", version, "--placement", "--tables", "1", "--metas", "1"])
        let commands = ["remote_command -l \(Self.a) replica.kill_partition 1 1",
                        "remote_command -t replica-server replica.kill_partition 1 2 3",
                        "remote_command -l \(Self.b) replica.kill_partition 2"]
        let session = try await shell.session(commands)
        if version == "master" {
            #expect(try Shell.commandOutput(session.stdout) == """
                {
                  "command": "replica.kill_partition 1 1",
                  "details": {
                    "127.0.0.1:34801": {
                      "acked": true,
                      "message": "ERR_OK",
                      "role": "user-specified"
                    }
                  },
                  "failed_count": 0,
                  "succeed_count": 1
                }
                {
                  "command": "replica.kill_partition 1 2 3",
                  "details": {
                    "127.0.0.1:34801": {
                      "acked": true,
                      "message": "ERR_INVALID_PARAMETERS",
                      "role": "replica-server"
                    },
                    "127.0.0.1:34802": {
                      "acked": true,
                      "message": "ERR_INVALID_PARAMETERS",
                      "role": "replica-server"
                    },
                    "127.0.0.1:34803": {
                      "acked": true,
                      "message": "ERR_INVALID_PARAMETERS",
                      "role": "replica-server"
                    }
                  },
                  "failed_count": 0,
                  "succeed_count": 3
                }
                {
                  "command": "replica.kill_partition 2",
                  "details": {
                    "127.0.0.1:34802": {
                      "acked": true,
                      "message": "ERR_OK",
                      "role": "user-specified"
                    }
                  },
                  "failed_count": 0,
                  "succeed_count": 1
                }

                """)
        } else {
            #expect(session.stderr == """
                COMMAND: replica.kill_partition 1 1

                CALL [user-specified] [127.0.0.1:34801] succeed: ERR_OK

                Succeed count: 1
                Failed count: 0
                COMMAND: replica.kill_partition 1 2 3

                CALL [replica-server] [127.0.0.1:34801] succeed: ERR_INVALID_PARAMETERS
                CALL [replica-server] [127.0.0.1:34802] succeed: ERR_INVALID_PARAMETERS
                CALL [replica-server] [127.0.0.1:34803] succeed: ERR_INVALID_PARAMETERS

                Succeed count: 3
                Failed count: 0
                COMMAND: replica.kill_partition 2

                CALL [user-specified] [127.0.0.1:34802] succeed: ERR_OK

                Succeed count: 1
                Failed count: 0

                """)
        }
        // The meta answers it as any unknown command. A killed serving replica leaves its partition
        // at once (a's primary of 1.3 here; 1.1's secondary was added back by the meta's round).
        let meta = try await shell.session(["remote_command -t meta-server replica.kill_partition",
                                            "remote_command -l \(Self.a) replica.kill_partition 1 3", "nodes -d"], mergeStreams: true)
        #expect(meta.merged.contains("unknown command 'replica.kill_partition'"))
        #expect(meta.merged.contains("\n127.0.0.1:34801  ALIVE                 3              1                2\n"))
    }

    // MARK: liveness from a real process

    @Test(arguments: ["2.5.0", "master"])
    func aDeadProcessLosesItsPrimariesAndReturnsOnlyWhenTheKnobAllows(version: String) async throws {
        let shell = try await Shell.make(["--version", version])
        let pidFile = shell.folder.appendingPathComponent("replica1.pid").path
        let first = try StandIn(pidFile: pidFile)
        defer { first.stop() }
        try await shell.reset(["--version", version, "--placement", "--tables", "1", "--shipped-config", "--pid-file", "\(Self.a)=\(pidFile)"])
        #expect(try await Self.nodeColumn(shell, Self.a, 2) == "ALIVE")
        #expect(try await Self.nodeColumn(shell, Self.a, 4) == "2")
        _ = try await shell.session(["remote_command -l 127.0.0.1:34601 meta.lb.add_secondary_max_count_for_one_node 0"])

        first.stop()
        // 2 of 3 alive is below min_live_node_count_for_unfreeze (3): the meta freezes; it still
        // drops the dead primaries, but its secondaries stay listed.
        #expect(try await Self.nodeColumn(shell, Self.a, 2) == "UNALIVE")
        #expect(try await Self.nodeColumn(shell, Self.a, 4) == "0")
        #expect(try await Self.nodeColumn(shell, Self.a, 3) == "2")
        #expect(try await shell.stdout("ls -d").contains("\n1       stat      4                2              2          2                2               \n"))
        #expect(try await Self.unhealthyTables(shell) == ["stat"])
        let unreachable = try await shell.session(["server_info -l \(Self.a)"], mergeStreams: true)
        #expect(unreachable.merged.contains(version == "master" ? "\"message\": \"ERR_NETWORK_FAILURE\"" : "failed: ERR_NETWORK_FAILURE"))

        let second = try StandIn(pidFile: pidFile)
        defer { second.stop() }
        // Back: secondaries promoted at once; the node is not re-added while the knob is 0.
        #expect(try await Self.nodeColumn(shell, Self.a, 2) == "ALIVE")
        #expect(try await shell.stdout("ls -d").contains("\n1       stat      4                2              2          0                0               \n"))
        #expect(try await Self.unhealthyTables(shell) == ["stat"])
        #expect(try await Self.nodeColumn(shell, Self.a, 3) == "2")
        _ = try await shell.session(["remote_command -l 127.0.0.1:34601 meta.lb.add_secondary_max_count_for_one_node 10"])
        #expect(try await Self.unhealthyTables(shell).isEmpty)
        #expect(try await Self.nodeColumn(shell, Self.a, 3) == "4")
        #expect(try await Self.nodeColumn(shell, Self.a, 4) == "0")
        let state = try shell.stateDocument()
        let node = try #require((state["nodes"] as? [[String: Any]])?.first { $0["address"] as? String == Self.a })
        #expect(node["last_pid"] as? Int == Int(second.process.processIdentifier))
    }

    @Test func aRestartCostsThePrimariesAndWithoutAFreezeTheKnobAloneHoldsNothing() async throws {
        let shell = try await Shell.make([])
        let pidFile = shell.folder.appendingPathComponent("replica1.pid").path
        let first = try StandIn(pidFile: pidFile)
        defer { first.stop() }
        // onebox's min_live_node_count_for_unfreeze (1) and the code's knob defaults (flow control off).
        try await shell.reset(["--placement", "--tables", "1", "--min-live", "1", "--pid-file", "\(Self.a)=\(pidFile)"])
        #expect(try await Self.nodeColumn(shell, Self.a, 4) == "2")

        // A restart between two invocations (the pid changed, never seen dead): in that round a
        // died and came back, so its primaries went to secondaries; its secondaries come back at
        // once, the partitions it led one round later.
        first.stop()
        let second = try StandIn(pidFile: pidFile)
        defer { second.stop() }
        #expect(try await Self.nodeColumn(shell, Self.a, 2) == "ALIVE")
        #expect(try await Self.nodeColumn(shell, Self.a, 4) == "0")
        #expect(try await Self.nodeColumn(shell, Self.a, 3) == "4")
        #expect(try await Self.unhealthyTables(shell).isEmpty)

        _ = try await shell.session(["remote_command -l 127.0.0.1:34601 meta.lb.add_secondary_max_count_for_one_node 0"])
        second.stop()
        let replicas = try await shell.stdout("app stat -d")
        #expect(!replicas.contains(Self.a + " "), "a holds no replica")
        #expect(try await Self.nodeColumn(shell, Self.a, 2) == "UNALIVE")
        #expect(try await shell.stdout("ls -d").contains("\n1       stat      4                0              4          0                0               \n"))

        let third = try StandIn(pidFile: pidFile)
        defer { third.stop() }
        // add_secondary_max_count_for_one_node only throttles with flow control on: a is back at once.
        #expect(try await Self.nodeColumn(shell, Self.a, 3) == "4")
        #expect(try await Self.unhealthyTables(shell).isEmpty)
    }
}
