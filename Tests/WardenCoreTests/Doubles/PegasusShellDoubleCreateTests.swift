import Foundation
import Testing
@testable import WardenCore

/// `create` through `Tests/Doubles/pegasus_shell`: table_management.cpp `create_app` (options,
/// the last line), replication_ddl_client.cpp `create_app` / `wait_app_ready` (the client's
/// checks and progress lines) and server_state.cpp `create_app` (the meta's answer), in both
/// flavours. See Tests/Doubles/README.md, `create`.
@Suite("pegasus_shell double: create")
struct PegasusShellDoubleCreateTests {
    typealias Shell = PegasusShellDoubleTests.Shell

    static func exact(_ text: String) -> String { PegasusShellDoubleRollingTests.exact(text) }

    /// master's SHELL_PRINTLN_ERROR: bold red `ERROR: ...` on stderr.
    static func red(_ text: String) -> String {
        "\u{1B}[1m\u{1B}[38;2;255;000;000mERROR: " + text + "\n\u{1B}[0m"
    }

    /// One command's stdout (banner and exit line cut off) and its stderr.
    static func run(_ shell: Shell, _ command: String) async throws -> (stdout: String, stderr: String) {
        let result = try await shell.session([command])
        #expect(result.status == 0)
        return (try Shell.commandOutput(result.stdout), result.stderr)
    }

    /// A successful create: the client's line, wait_app_ready's count (ready at once in the
    /// double), the client's `is ready now!`, the shell's line. All on stdout, both flavours.
    static func created(_ name: String, _ partitions: Int) -> String {
        """
        create app \(name) succeed, waiting for app ready
        \(name) is ready now: (\(partitions)/\(partitions))
        \(name) is ready now!
        create app "\(name)" succeed

        """
    }

    /// The client's refusal of what the meta answered, then the shell's line.
    static func refused(_ version: String, _ name: String, _ error: String) -> (stdout: String, stderr: String) {
        if version == "master" {
            return ("create app \"\(name)\" failed, error = \(error)\n",
                    "\(error): create app \(name) failed: [create] received server error\n")
        }
        return ("create app \(name) failed: [create] received server error: \(error)\ncreate app \"\(name)\" failed, error = \(error)\n", "")
    }

    static func tableCount(_ shell: Shell) throws -> Int {
        let tables = try #require(try shell.stateDocument()["tables"] as? [[String: Any]])
        return tables.count
    }

    // MARK: success

    @Test(arguments: ["2.5.0", "master"])
    func aNewTableIsReadyAtOnceAndPlacedLikeTheCure(version: String) async throws {
        let shell = try await Shell.make(["--version", version, "--nodes", "4", "--placement"])
        let reply = try await Self.run(shell, "create orders -p 8 -r 3")
        #expect(reply.stdout == Self.created("orders", 8))
        #expect(reply.stderr == "")

        // Primaries in turn on the node with the fewest in the table; each secondary on the
        // non-member with the fewest partitions in the table (then overall), first by address.
        #expect(try await shell.stdout("app orders -d") == Self.exact("""
            [parameters]
            app_name  : orders
            detailed  : true  $

            [general]
            app_name           : orders
            app_id             : 3     $
            partition_count    : 8     $
            max_replica_count  : 3     $

            [replicas]
            pidx  ballot  replica_count  primary          secondaries                        $
            0     3       3/3            127.0.0.1:34801  [127.0.0.1:34802,127.0.0.1:34803]  $
            1     3       3/3            127.0.0.1:34802  [127.0.0.1:34801,127.0.0.1:34804]  $
            2     3       3/3            127.0.0.1:34803  [127.0.0.1:34804,127.0.0.1:34801]  $
            3     3       3/3            127.0.0.1:34804  [127.0.0.1:34803,127.0.0.1:34802]  $
            4     3       3/3            127.0.0.1:34801  [127.0.0.1:34802,127.0.0.1:34803]  $
            5     3       3/3            127.0.0.1:34802  [127.0.0.1:34801,127.0.0.1:34804]  $
            6     3       3/3            127.0.0.1:34803  [127.0.0.1:34804,127.0.0.1:34801]  $
            7     3       3/3            127.0.0.1:34804  [127.0.0.1:34803,127.0.0.1:34802]  $

            [nodes]
            node             primary  secondary  total  $
            127.0.0.1:34801  2        4          6      $
            127.0.0.1:34802  2        4          6      $
            127.0.0.1:34803  2        4          6      $
            127.0.0.1:34804  2        4          6      $
                             8        16         24     $

            [healthy]
            fully_healthy_partition_count    : 8
            unhealthy_partition_count        : 0
            write_unhealthy_partition_count  : 0
            read_unhealthy_partition_count   : 0


            """))

        let tables = try #require(try shell.stateDocument()["tables"] as? [[String: Any]])
        let table = try #require(tables.last)
        #expect(table["app_id"] as? Int == 3)
        #expect(table["status"] as? String == "AVAILABLE")
        let time = try #require(table["create_time"] as? String)
        #expect(time.range(of: #"^\d{4}-\d{2}-\d{2}_\d{2}:\d{2}:\d{2}$"#, options: .regularExpression) != nil, "\(time)")

        let general = version == "master"
            ? """
            [general_info]
            app_id  status     app_name  app_type  partition_count  replica_count  is_stateful  create_time          drop_time  drop_expire  envs_count  atomic_idempotent  $
            1       AVAILABLE  stat      pegasus   4                3              true         2024-04-15_06:58:38  -          -            0           false              $
            2       AVAILABLE  temp      pegasus   8                3              true         2024-04-15_06:58:38  -          -            0           false              $
            3       AVAILABLE  orders    pegasus   8                3              true         \(time)  -          -            0           false              $

            """
            : """
            [general_info]
            app_id  status     app_name  app_type  partition_count  replica_count  is_stateful  create_time          drop_time  drop_expire  envs_count  $
            1       AVAILABLE  stat      pegasus   4                3              true         2024-04-15_06:58:38  -          -            0           $
            2       AVAILABLE  temp      pegasus   8                3              true         2024-04-15_06:58:38  -          -            0           $
            3       AVAILABLE  orders    pegasus   8                3              true         \(time)  -          -            0           $

            """
        #expect(try await shell.stdout("ls -d") == Self.exact(general + """

            [healthy_info]
            app_id  app_name  partition_count  fully_healthy  unhealthy  write_unhealthy  read_unhealthy  $
            1       stat      4                4              0          0                0               $
            2       temp      8                8              0          0                0               $
            3       orders    8                8              0          0                0               $

            [summary]
            total_app_count            : 3
            fully_healthy_app_count    : 3
            unhealthy_app_count        : 0
            write_unhealthy_app_count  : 0
            read_unhealthy_app_count   : 0


            """))
        #expect(try shell.log() == ["create orders -p 8 -r 3", "app orders -d", "ls -d"])
    }

    @Test(arguments: ["2.5.0", "master"])
    func withoutPlacementTheTableIsHealthyAndTheNodesCountIt(version: String) async throws {
        let shell = try await Shell.make(["--version", version])
        #expect(try await shell.stdout("create orders -p 6 -e k1=v1,k2=v2") == Self.created("orders", 6))
        let listed = try await shell.stdout("ls -d")
        #expect(listed.contains("\n3       orders    6                6              0          0                0               \n"), "\(listed)")
        #expect(listed.contains("  2           "), "envs_count 2: \(listed)")
        // 6 partitions x 3 replicas on 3 nodes: 2 primaries and 4 secondaries more on each.
        #expect(try await shell.stdout("nodes -d").hasPrefix("""
            [details]
            address          status    replica_count  primary_count  secondary_count
            127.0.0.1:34801  ALIVE                18              6               12
            127.0.0.1:34802  ALIVE                18              6               12
            127.0.0.1:34803  ALIVE                18              6               12

            """))
        let tables = try #require(try shell.stateDocument()["tables"] as? [[String: Any]])
        #expect(tables.last?["envs"] as? [String: String] == ["k1": "v1", "k2": "v2"])
    }

    // MARK: refusals

    @Test(arguments: ["2.5.0", "master"])
    func aBadNameIsRefusedByTheClient(version: String) async throws {
        let shell = try await Shell.make(["--version", version, "--placement"])
        let reply = try await Self.run(shell, "create bad-name -p 4")
        if version == "master" {
            // validate_app_name through RETURN_EC_NOT_OK_MSG (stderr), then the shell's line.
            #expect(reply.stderr == "ERR_INVALID_PARAMETERS: Invalid name: Only 0-9a-zA-Z.:_ are valid.: invalid app_name: 'bad-name'\n")
            #expect(reply.stdout == "create app \"bad-name\" failed, error = ERR_INVALID_PARAMETERS\n")
        } else {
            #expect(reply.stderr == "")
            #expect(reply.stdout == """
                create app bad-name failed: invalid app_name
                create app "bad-name" failed, error = ERR_INVALID_PARAMETERS

                """)
        }
        #expect(try Self.tableCount(shell) == 2)
    }

    @Test(arguments: ["2.5.0", "master"])
    func anExistingNameIsAnErrorOnlyWithFailIfExist(version: String) async throws {
        let shell = try await Shell.make(["--version", version, "--placement"])
        // -f: ERR_APP_EXIST.
        var reply = try await Self.run(shell, "create temp -f")
        var expected = Self.refused(version, "temp", "ERR_APP_EXIST")
        #expect(reply.stdout == expected.stdout)
        #expect(reply.stderr == expected.stderr)
        // Without -f (success_if_exist): options unlike the table's (4 partitions, temp has 8).
        reply = try await Self.run(shell, "create temp")
        expected = Self.refused(version, "temp", "ERR_INVALID_PARAMETERS")
        #expect(reply.stdout == expected.stdout)
        #expect(reply.stderr == expected.stderr)
        // ...and the same options: ERR_OK, and the client waits for the existing table.
        #expect(try await shell.stdout("create temp -p 8 -r 3") == Self.created("temp", 8))
        #expect(try Self.tableCount(shell) == 2)
    }

    @Test func v25BadOptionsGoToStderrThenUsage() async throws {
        let shell = try await Shell.make()
        let usage = "USAGE: \tcreate "
        for (command, message) in [
            ("create x -p abc", "parse abc as partition_count failed\n"),
            ("create x -r 3x", "parse 3x as replica_count failed\n"),
            ("create x -e a=1,a=2", "invalid envs: a=1,a=2\n"),
            // glibc getopt_long's own messages (argv[0] is the command's name).
            ("create x -z", "create: invalid option -- 'z'\n"),
            ("create x -p", "create: option requires an argument -- 'p'\n"),
            ("create x --partition_count", "create: option '--partition_count' requires an argument\n"),
            ("create x --bogus=1", "create: unrecognized option '--bogus=1'\n"),
            ("create", ""),
        ] {
            let reply = try await Self.run(shell, command)
            #expect(reply.stderr == message, "\(command)")
            #expect(reply.stdout.hasPrefix(usage), "\(command): \(reply.stdout)")
        }
        // The client's own checks print on stdout, no USAGE.
        #expect(try await shell.stdout("create x -p 0") == """
            create app x failed: partition_count should >= 1
            create app "x" failed, error = ERR_INVALID_PARAMETERS

            """)
        // More replicas than alive replica servers: the meta refuses.
        #expect(try await shell.stdout("create x -r 4") == Self.refused("2.5.0", "x", "ERR_INVALID_PARAMETERS").stdout)
        #expect(try Self.tableCount(shell) == 2)
    }

    @Test func masterBadOptionsAreRedErrorsThenUsage() async throws {
        let shell = try await Shell.make(["--version", "master"])
        for (command, message) in [
            ("create", "ERR_INVALID_PARAMETERS: except the command, there should be exact 1 positional argument"),
            ("create x y", "ERR_INVALID_PARAMETERS: except the command, there should be exact 1 positional argument"),
            ("create x -z", "ERR_INVALID_PARAMETERS: unknown flag"),
            ("create x -f y", "ERR_INVALID_PARAMETERS: unknown param f = y"),
            ("create x -p", "ERR_INVALID_PARAMETERS: missing value of p"),
            ("create x -p abc", "invalid command, 'abc' should be a signed integer"),
            ("create x -e a", "invalid kvs: 'a'"),
        ] {
            let reply = try await Self.run(shell, command)
            #expect(reply.stderr == Self.red(message), "\(command)")
            #expect(reply.stdout.hasPrefix("USAGE: \tcreate "), "\(command): \(reply.stdout)")
        }
        var reply = try await Self.run(shell, "create x -p 0")
        #expect(reply.stderr == "create app x failed: partition_count should >= 1\n")
        #expect(reply.stdout == "create app \"x\" failed, error = ERR_INVALID_PARAMETERS\n")
        reply = try await Self.run(shell, "create x -r 4")
        #expect(reply.stderr == "ERR_INVALID_PARAMETERS: create app x failed: [create] received server error\n")
        #expect(reply.stdout == "create app \"x\" failed, error = ERR_INVALID_PARAMETERS\n")
        #expect(try Self.tableCount(shell) == 2)
    }

    @Test(arguments: ["2.5.0", "master"])
    func aFrozenClusterRefusesTheCreate(version: String) async throws {
        let shell = try await Shell.make(["--version", version, "--level", "freezed", "--placement"])
        var reply = try await Self.run(shell, "create orders -p 8")
        let expected = Self.refused(version, "orders", "ERR_STATE_FREEZED")
        #expect(reply.stdout == expected.stdout)
        #expect(reply.stderr == expected.stderr)
        #expect(try Self.tableCount(shell) == 2)
        // Auto-freeze (2 of 4 alive, below min_live_node_count_for_unfreeze) comes before the
        // replica count check.
        try await shell.reset(["--version", version, "--nodes", "4", "--unalive", "127.0.0.1:34803,127.0.0.1:34804"])
        reply = try await Self.run(shell, "create orders")
        #expect(reply.stdout == expected.stdout)
        #expect(reply.stderr == expected.stderr)
        // Unfrozen, the same create goes through.
        try await shell.reset(["--version", version, "--level", "steady", "--placement"])
        #expect(try await shell.stdout("create orders -p 8") == Self.created("orders", 8))
    }

    @Test func anUnhealthyExistingTableIsWaitedForUntilTheBudgetRunsOut() async throws {
        // Two partitions of temp miss a secondary and flow control (0 per node) stops the cure:
        // wait_app_ready counts every 2 s for 3600 s (1800 lines), then says ready anyway. The
        // budget is the session's: a second create gets one count.
        let shell = try await Shell.make(["--placement", "--unhealthy-partitions", "2", "--set",
                                          #"remote_commands={"meta.lb.add_secondary_enable_flow_control":"true","meta.lb.add_secondary_max_count_for_one_node":"0"}"#])
        let result = try await shell.session(["create temp -p 8", "create temp -p 8"])
        let lines = try Shell.commandOutput(result.stdout).split(separator: "\n").map(String.init)
        let waiting = "temp not ready yet, still waiting... (6/8)"
        #expect(lines.count == 1807)
        #expect(lines.first == "create app temp succeed, waiting for app ready")
        #expect(lines.filter { $0 == waiting }.count == 1801)
        #expect(Array(lines[1801...]) == ["temp is ready now!", "create app \"temp\" succeed",
                                          "create app temp succeed, waiting for app ready", waiting,
                                          "temp is ready now!", "create app \"temp\" succeed"])
    }
}
