import Testing
@testable import WardenCore

@Suite("pegasus.server_info and pegasus.server_stat")
struct PegasusServerInfoParserTests {
    private let v25 = "pegasus/remote_command_server_info.v2.5.RENDERED.txt"
    private let master = "pegasus/remote_command_server_info_server_stat.master.RENDERED.txt"

    @Test func v25ServerInfoGivesVersionAndStartTimePerServer() throws {
        let result = try ParserFixture.parse("pegasus.server_info", ParserFixture.section(v25, command: "server_info"))
        #expect(result.at("nodes", 0) == .map([
            "address": .string("127.0.0.1:34601"), "role": .string("meta-server"), "acked": .bool(true),
            "server": .string("Pegasus Server"), "version": .string("2.5.0"),
            "git_sha": .string("0ca31b70eac7321bb17fb034105695597245d47b"), "build_type": .string("Release"),
            "start_time": .string("2024-04-15 06:58:30"),
            "message": .string("Pegasus Server 2.5.0 (0ca31b70eac7321bb17fb034105695597245d47b) Release, Started at 2024-04-15 06:58:30"),
        ]))
        #expect(result.at("nodes", 1, "role") == .string("replica-server"))
        #expect(result.at("nodes", 1, "start_time") == .string("2024-04-15 06:58:31"))
        #expect(result.at("versions") == ParserFixture.strings(["2.5.0"]))
        #expect(result.at("succeed_count") == .int(2))
        #expect(result.at("format") == .string("text"))
    }

    @Test func forkedServersNameTheirRole() throws {
        let result = try ParserFixture.parse("pegasus.server_info", ParserFixture.section(
            "pegasus/remote_command_and_server_info.thirdparty-skv-1.12.3.txt", command: "server_info"))
        #expect(result.at("nodes", 0, "server") == .string("Meta Server"))
        #expect(result.at("nodes", 0, "version") == .string("1.12.3-0.6.0"))
        #expect(result.at("nodes", 1, "server") == .string("Replica Server"))
        #expect(result.at("nodes", 1, "start_time") == .string("2022-02-18 10:30:37"))
        #expect(result.at("versions") == ParserFixture.strings(["1.12.3-0.6.0"]))
    }

    @Test func masterServerInfoIsJSON() throws {
        let result = try ParserFixture.parse("pegasus.server_info", ParserFixture.section(master, command: "server_info -t meta-server"))
        #expect(result.at("nodes").itemCount == 2)
        #expect(result.at("nodes", 0, "version") == .string("2.6.0-SNAPSHOT"))
        #expect(result.at("nodes", 0, "git_sha") == .string("db756dcdf24e2af6169659a67548501ed61f106c"))
        #expect(result.at("nodes", 0, "build_type") == .string("Release"))
        #expect(result.at("nodes", 1, "start_time") == .string("2026-03-14 10:00:01"))
        #expect(result.at("nodes", 1, "server") == .null)
        #expect(result.at("versions") == ParserFixture.strings(["2.6.0-SNAPSHOT"]))
        #expect(result.at("format") == .string("json"))
    }

    @Test func aServerThatDidNotAnswerHasNoVersion() throws {
        let answered = try ParserFixture.section(v25, command: "server_info")
        let timedOut = answered.replacingOccurrences(
            of: "[127.0.0.1:34801] succeed: Pegasus Server 2.5.0 (0ca31b70eac7321bb17fb034105695597245d47b) Release, Started at 2024-04-15 06:58:31",
            with: "[127.0.0.1:34801] failed: ERR_TIMEOUT")
        let result = try ParserFixture.parse("pegasus.server_info", timedOut)
        #expect(result.at("nodes", 1, "acked") == .bool(false))
        #expect(result.at("nodes", 1, "version") == .null)
        #expect(result.at("nodes", 1, "start_time") == .null)
        #expect(result.at("nodes", 1, "message") == .string("ERR_TIMEOUT"))
        #expect(result.at("versions") == ParserFixture.strings(["2.5.0"]))
    }

    @Test func v25ServerStatGivesCountersByName() throws {
        let result = try ParserFixture.parse("pegasus.server_stat", ParserFixture.section(
            "pegasus/server_stat.website-rebalance-oldformat.txt", command: "server_stat -t replica-server"))
        #expect(result.at("nodes").itemCount == 4)
        let first = result.at("nodes", 0)
        #expect(first.at("address") == .string("10.132.5.1:32801"))
        #expect(first.at("stats", "serving_replica_count") == .int(54))
        #expect(first.at("stats", "memused_res(MB)") == .int(2499))
        #expect(first.at("stats", "disk_available_min_ratio") == .int(78))
        #expect(first.at("stats", "disk_capacity_total(MB)") == .int(8378920))
        #expect(first.at("stats").itemCount == 22)
        #expect(result.at("nodes", 1, "stats", "memused_res(MB)") == .int(2521))
        #expect(result.at("succeed_count") == .int(4))
        #expect(result.at("failed_count") == .int(0))
    }

    @Test func aMissingCounterIsNull() throws {
        // perf_counters.cpp prints `<name>=not_found` for a counter it lacks.
        let output = try ParserFixture.section("pegasus/server_stat.website-rebalance-oldformat.txt", command: "server_stat -t replica-server")
            .replacingOccurrences(of: "put_qps=0\n", with: "put_qps=not_found\n")
        let result = try ParserFixture.parse("pegasus.server_stat", output)
        #expect(result.at("nodes", 0, "stats", "put_qps") == .null)
        #expect(result.at("nodes", 0, "stats", "get_qps") == .int(0))
    }

    @Test func masterServerStatIsJSON() throws {
        let result = try ParserFixture.parse("pegasus.server_stat", ParserFixture.section(master, command: "server_stat -t replica-server"))
        let stats = result.at("nodes", 0, "stats")
        #expect(stats.at("total_replicas") == .double(12) || stats.at("total_replicas") == .int(12))
        #expect(stats.at("primary_replicas") == .double(6) || stats.at("primary_replicas") == .int(6))
        #expect(stats.at("res_mem_mb") == .double(512) || stats.at("res_mem_mb") == .int(512))
        #expect(result.at("nodes", 0, "role") == .string("replica-server"))
        #expect(result.at("format") == .string("json"))
    }

    @Test func garbageIsAClearErrorNeverACrash() throws {
        for parser in ["pegasus.server_info", "pegasus.server_stat"] {
            #expect(ParserFixture.failure(parser, "Pegasus Server 2.5.0\n") == "\(parser): line 1: no 'COMMAND:' line in the output: not remote_command output")
            try ParserFixture.survivesTruncation(parser, ParserFixture.section(v25, command: "server_info"))
            try ParserFixture.survivesTruncation(parser, ParserFixture.section(master, command: "server_stat -t replica-server"))
        }
    }
}
