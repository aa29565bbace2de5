import Testing
@testable import WardenCore

@Suite("pegasus.remote_command")
struct PegasusRemoteCommandParserTests {
    private let parser = "pegasus.remote_command"
    private let v25 = "pegasus/remote_command_server_info.v2.5.RENDERED.txt"
    private let master = "pegasus/remote_command_server_info_server_stat.master.RENDERED.txt"

    @Test func v25TextGivesEachNodesReplyAndTheCounts() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(v25, command: "remote_command -t meta-server meta.lb.assign_delay_ms"))
        #expect(result.at("command") == .string("meta.lb.assign_delay_ms"))
        #expect(result.at("nodes").itemCount == 3)
        #expect(result.at("nodes", 0) == .map([
            "address": .string("127.0.0.1:34601"), "role": .string("meta-server"), "acked": .bool(true), "message": .string("600000"),
        ]))
        #expect(result.at("nodes", 1, "message") == .string("unknown command 'meta.lb.assign_delay_ms'"))
        #expect(result.at("nodes", 2, "acked") == .bool(false))
        #expect(result.at("nodes", 2, "message") == .string("ERR_NETWORK_FAILURE"))
        #expect(result.at("succeed_count") == .int(2))
        #expect(result.at("failed_count") == .int(1))
        #expect(result.at("format") == .string("text"))
    }

    @Test func theDocsCopyWithoutBlankLinesReadsToo() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(
            "pegasus/remote_command.website-rebalance.txt", command: "remote_command -t meta-server meta.lb.assign_delay_ms 10"))
        #expect(result.at("command") == .string("meta.lb.assign_delay_ms 10"))
        #expect(result.at("nodes", 0, "message") == .string("OK"))
        #expect(result.at("nodes", 2, "address") == .string("127.0.0.1:34603"))
        #expect(result.at("succeed_count") == .int(3))
        #expect(result.at("failed_count") == .int(0))
    }

    @Test func aRealCaptureWithItsBlankLinesReads() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(
            "pegasus/remote_command_and_server_info.thirdparty-skv-1.12.3.txt", command: "remote_command -t meta-server meta.lb.assign_delay_ms 10"))
        #expect(result.at("nodes", 0) == .map([
            "address": .string("10.120.9.250:8710"), "role": .string("meta-server"), "acked": .bool(true), "message": .string("OK"),
        ]))
        #expect(result.at("nodes", 1, "message") == .string("unknown command 'meta.lb.assign_delay_ms'"))
        #expect(result.at("succeed_count") == .int(3))
    }

    @Test func aReplyOverManyLinesStaysOneMessage() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(
            "pegasus/remote_command_help.website-remote-commands.txt", command: "remote_command -l 127.0.0.1:34601 help"))
        #expect(result.at("nodes").itemCount == 1)
        #expect(result.at("nodes", 0, "role") == .string("user-specified"))
        guard case let .string(help) = result.at("nodes", 0, "message") else { Issue.record("no help text"); return }
        let lines = help.split(separator: "\n")
        #expect(lines.first == "help|h|H|Help - Display help information")
        #expect(lines.last?.hasPrefix("task.queue_max_length - Get the current or set") == true)
        #expect(lines.contains("server-info - Query server information"))
        #expect(result.at("succeed_count") == .int(1))
    }

    @Test func masterJSONKeepsJSONRepliesAsMaps() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(master, command: "remote_command -t meta-server meta.lb.assign_delay_ms"))
        // master echoes the command with a trailing space when it has no arguments.
        #expect(result.at("command") == .string("meta.lb.assign_delay_ms"))
        #expect(result.at("nodes", 0, "address") == .string("127.0.0.1:34601"))
        #expect(result.at("nodes", 0, "message") == .map(["error": .string("ok"), "meta.lb.assign_delay_ms": .string("600000")]))
        #expect(result.at("nodes", 1, "acked") == .bool(true))
        #expect(result.at("nodes", 1, "message") == .string("unknown command 'meta.lb.assign_delay_ms'"))
        #expect(result.at("nodes", 2, "acked") == .bool(false))
        #expect(result.at("nodes", 2, "message") == .string("ERR_NETWORK_FAILURE"))
        #expect(result.at("succeed_count") == .int(2))
        #expect(result.at("failed_count") == .int(1))
        #expect(result.at("format") == .string("json"))
    }

    @Test func balanceOperationCountsInBothFormats() throws {
        let command = "remote_command -l 127.0.0.1:34601 meta.lb.get_balance_operation_count detail"
        let text = try ParserFixture.parse(parser, ParserFixture.section(v25, command: command))
        #expect(text.at("nodes", 0, "message") == .string("move_pri=1,copy_pri=0,copy_sec=2,total=3"))
        let json = try ParserFixture.parse(parser, ParserFixture.section(master, command: command))
        #expect(json.at("nodes", 0, "message") == ParserFixture.ints(["copy_pri": 0, "copy_sec": 2, "move_pri": 1, "total": 3]))
        #expect(json.at("command") == text.at("command"))
    }

    @Test func stderrTextCapturedWithTheBannerAndColoursReads() throws {
        let plain = try ParserFixture.section(v25, command: "remote_command -t meta-server meta.lb.assign_delay_ms")
        #expect(try ParserFixture.parse(parser, ParserFixture.pegasusSession(ParserFixture.coloured(plain))) == ParserFixture.parse(parser, plain))
    }

    @Test func twoCommandsInOneOutputAreRefused() throws {
        let two = try ParserFixture.section(v25, command: "remote_command -t meta-server meta.lb.assign_delay_ms")
            + ParserFixture.section(v25, command: "remote_command -t meta-server meta.lb.assign_delay_ms 10")
        #expect(ParserFixture.failure(parser, two)
            == "pegasus.remote_command: line 9: the output holds 2 remote commands ('COMMAND:' lines); parse one at a time")
        #expect(ParserFixture.failureKind(parser, two) == .malformed)
    }

    @Test func errorsBeforeTheCommandQuoteTheShell() throws {
        // pegasus.md §1.2: an unknown command, then the help text.
        let unknown = ParserFixture.coloured("ERROR: invalid subcommand 'remote_comand'") + "\nUsage:\n  help\n"
        #expect(ParserFixture.failure(parser, unknown)
            == "pegasus.remote_command: line 1: pegasus_shell reported an error: \"ERROR: invalid subcommand 'remote_comand'\"")
        #expect(ParserFixture.failure(parser, "USAGE: remote_command [-t all|meta-server|replica-server] <command>\n")?
            .contains("reported an error: \"USAGE: remote_command") == true)
    }

    @Test func garbageIsAClearErrorNeverACrash() throws {
        #expect(ParserFixture.failure(parser, "")?.hasPrefix("pegasus.remote_command: the output is empty") == true)
        #expect(ParserFixture.failure(parser, "COMMAND: help\n")
            == "pegasus.remote_command: line 1: 'COMMAND:' is followed by no 'CALL' line and no counts: the output is cut short")
        #expect(ParserFixture.failure(parser, "COMMAND: help\nwhat is this\n")
            == "pegasus.remote_command: line 2: expected 'CALL [role] [address] succeed: ...', found \"what is this\"")
        #expect(ParserFixture.failure(parser, "{\"command\": \"x\"}") == "pegasus.remote_command: line 1: the JSON has no \"details\": not remote_command output")
        #expect(ParserFixture.failureKind(parser, "{\"command\": \"x\"}") == .missingField)
        try ParserFixture.survivesTruncation(parser, ParserFixture.section(v25, command: "remote_command -t meta-server meta.lb.assign_delay_ms"))
        try ParserFixture.survivesTruncation(parser, ParserFixture.section(master, command: "remote_command -t meta-server meta.lb.assign_delay_ms"))
    }
}
