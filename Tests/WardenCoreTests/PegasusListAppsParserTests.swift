import Testing
@testable import WardenCore

@Suite("pegasus.ls")
struct PegasusListAppsParserTests {
    private let parser = "pegasus.ls"
    private let v25 = "pegasus/ls_-d.v2.5.RENDERED.txt"
    private let master = "pegasus/ls_-d.master.RENDERED.txt"

    @Test func v25DetailedListMergesHealthIntoEachTable() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(v25, command: "ls -d"))
        #expect(result.at("apps").itemCount == 2)
        let temp = result.at("apps", 1)
        #expect(temp.at("app_name") == .string("temp"))
        #expect(temp.at("app_id") == .int(2))
        #expect(temp.at("status") == .string("AVAILABLE"))
        #expect(temp.at("app_type") == .string("pegasus"))
        #expect(temp.at("partition_count") == .int(8))
        #expect(temp.at("replica_count") == .int(3))
        #expect(temp.at("is_stateful") == .bool(true))
        #expect(temp.at("create_time") == .string("2024-04-15_06:58:38"))
        #expect(temp.at("drop_time") == .null)
        #expect(temp.at("envs_count") == .int(1))
        #expect(temp.at("fully_healthy") == .int(5))
        #expect(temp.at("unhealthy") == .int(3))
        #expect(temp.at("write_unhealthy") == .int(1))
        #expect(temp.at("read_unhealthy") == .int(0))
        // v2.5.0 has no atomic_idempotent column.
        #expect(temp.at("atomic_idempotent") == .null)
        let stat = result.at("apps", 0)
        #expect(stat.at("app_name") == .string("stat"))
        #expect(stat.at("fully_healthy") == stat.at("partition_count"))
        #expect(result.at("total_app_count") == .int(2))
        #expect(result.at("fully_healthy_app_count") == .int(1))
        #expect(result.at("unhealthy_app_count") == .int(1))
        #expect(result.at("write_unhealthy_app_count") == .int(1))
        #expect(result.at("read_unhealthy_app_count") == .int(0))
        #expect(result.at("format") == .string("table"))
    }

    @Test func masterAddsAtomicIdempotent() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(master, command: "ls -d"))
        #expect(result.at("apps", 0, "atomic_idempotent") == .bool(false))
        #expect(result.at("apps", 1, "atomic_idempotent") == .bool(false))
        let v25Result = try ParserFixture.parse(parser, ParserFixture.section(v25, command: "ls -d"))
        #expect(result.at("unhealthy_app_count") == v25Result.at("unhealthy_app_count"))
    }

    @Test func jsonFormsMatchTheTables() throws {
        for file in [v25, master] {
            let table = try ParserFixture.parse(parser, ParserFixture.section(file, command: "ls -d"))
            let json = try ParserFixture.parse(parser, ParserFixture.section(file, command: "ls -d -j"))
            #expect(json.at("format") == .string("json"))
            #expect(json.removingKey("format") == table.removingKey("format"), "\(file)")
        }
    }

    @Test func theUpstreamHealthCheckReadsAsUnhealthyAboveZero() throws {
        // run.sh's awk test: healthy_info rows whose partition_count differs from fully_healthy.
        let result = try ParserFixture.parse(parser, ParserFixture.section(master, command: "ls -d"))
        guard case let .list(apps) = result.at("apps") else { Issue.record("no apps"); return }
        let unhealthy = apps.filter { $0.at("partition_count") != $0.at("fully_healthy") }.map { $0.at("app_name") }
        #expect(unhealthy == [.string("temp")])
        #expect(apps.filter { $0.at("unhealthy") != .int(0) }.map { $0.at("app_name") } == unhealthy)
    }

    @Test func plainLsHasNoHealthButKeepsTheKeys() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section("pegasus/ls.website-table-env.txt", command: "ls"))
        #expect(result.at("apps").itemCount == 1)
        #expect(result.at("apps", 0, "app_name") == .string("temp"))
        #expect(result.at("apps", 0, "envs_count") == .int(1))
        #expect(result.at("apps", 0, "fully_healthy") == .null)
        #expect(result.at("unhealthy_app_count") == .null)
    }

    @Test func aMissingLastCellIsNullAndCreateOutputBeforeIsSkipped() throws {
        // Issue #832: header has is_bulkload, the row stops at envs_count.
        let file = "pegasus/create_and_ls_-d.issue-832.txt"
        let result = try ParserFixture.parse(parser, ParserFixture.section(file, command: "ls -d"))
        #expect(result.at("apps", 0, "app_name") == .string("test_100"))
        #expect(result.at("apps", 0, "app_id") == .int(3))
        #expect(result.at("apps", 0, "partition_count") == .int(100))
        #expect(result.at("apps", 0, "envs_count") == .int(0))
        #expect(result.at("apps", 0, "is_bulkload") == .null)
        // The whole session, `create` progress lines and prompts included, reads the same.
        #expect(try ParserFixture.parse(parser, ParserFixture.body(file)) == result)
    }

    @Test func aFailedListIsAnErrorQuotingTheShell() throws {
        // During meta recovery: `list apps failed, error=ERR_UNDER_RECOVERY`.
        let output = try ParserFixture.section("pegasus/recover.and.fatal_log.website-meta-recovery.txt", command: "ls")
        #expect(ParserFixture.failure(parser, output)
            == "pegasus.ls: line 1: pegasus_shell reported an error: \"list apps failed, error=ERR_UNDER_RECOVERY\"")
    }

    @Test func bannerColoursAndTheExitLineAreIgnored() throws {
        let plain = try ParserFixture.section(master, command: "ls -d")
        #expect(try ParserFixture.parse(parser, ParserFixture.pegasusSession(ParserFixture.coloured(plain))) == ParserFixture.parse(parser, plain))
    }

    @Test func garbageIsAClearErrorNeverACrash() throws {
        #expect(ParserFixture.failure(parser, "")?.hasPrefix("pegasus.ls: the output is empty") == true)
        #expect(ParserFixture.failure(parser, "[general_info]\napp_id  status\n1 AVAILABLE extra words\n")
            == "pegasus.ls: line 3: 4 values under 2 columns (app_id status)")
        #expect(ParserFixture.failure(parser, "[summary]\nnot a key value line\n")
            == "pegasus.ls: line 2: expected 'key : value' in the [summary] table, found \"not a key value line\"")
        try ParserFixture.survivesTruncation(parser, ParserFixture.section(master, command: "ls -d"))
        try ParserFixture.survivesTruncation(parser, ParserFixture.section(master, command: "ls -d -j"))
    }
}
