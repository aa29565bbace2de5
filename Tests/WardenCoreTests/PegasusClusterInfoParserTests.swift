import Testing
@testable import WardenCore

@Suite("pegasus.cluster_info")
struct PegasusClusterInfoParserTests {
    private let parser = "pegasus.cluster_info"
    private let v25 = "pegasus/cluster_info.v2.5.RENDERED.txt"
    private let master = "pegasus/cluster_info.master.RENDERED.txt"

    @Test func v25TableGivesListsLevelNumbersAndCounts() throws {
        let info = try ParserFixture.parse(parser, ParserFixture.section(v25, command: "cluster_info"))
        #expect(info.at("meta_servers") == ParserFixture.strings(["127.0.0.1:34601", "127.0.0.1:34602", "127.0.0.1:34603"]))
        #expect(info.at("primary_meta_server") == .string("127.0.0.1:34601"))
        #expect(info.at("zookeeper_hosts") == ParserFixture.strings(["127.0.0.1:22181"]))
        #expect(info.at("zookeeper_root") == .string("/pegasus/onebox/127.0.0.1"))
        #expect(info.at("meta_function_level") == .string("lively"))
        // move_pri=1,copy_pri=0,copy_sec=2,total=3
        #expect(info.at("balance_operation_count") == ParserFixture.ints(["move_pri": 1, "copy_pri": 0, "copy_sec": 2, "total": 3]))
        #expect(info.at("primary_replica_count_stddev") == .double(0.47))
        #expect(info.at("total_replica_count_stddev") == .double(0.82))
        #expect(info.at("cluster_name") == .string("onebox"))
        #expect(info.at("format") == .string("table"))
    }

    @Test func masterPrintsTheCountAsMultiLineJSONAndReadsTheSame() throws {
        let table = try ParserFixture.parse(parser, ParserFixture.section(master, command: "cluster_info"))
        #expect(table.at("balance_operation_count") == ParserFixture.ints(["move_pri": 1, "copy_pri": 0, "copy_sec": 2, "total": 3]))
        #expect(table.at("total_replica_count_stddev") == .double(0.82))
        #expect(table.at("cluster_name") == .string("onebox"))
        let v25Table = try ParserFixture.parse(parser, ParserFixture.section(v25, command: "cluster_info"))
        #expect(table == v25Table)
    }

    @Test func aLoneTableEndsWhereTheNextCommandsOutputBegins() throws {
        // The table printer puts no blank line after a lone table, so in a
        // session `cluster_info -j`'s JSON follows the table directly.
        #expect(try ParserFixture.parse(parser, ParserFixture.body(master)) == ParserFixture.parse(parser, ParserFixture.section(master, command: "cluster_info")))
    }

    @Test func jsonFormsMatchTheTables() throws {
        for file in [v25, master] {
            let table = try ParserFixture.parse(parser, ParserFixture.section(file, command: "cluster_info"))
            let json = try ParserFixture.parse(parser, ParserFixture.section(file, command: "cluster_info -j"))
            #expect(json.at("format") == .string("json"))
            #expect(json.removingKey("format") == table.removingKey("format"), "\(file)")
        }
    }

    @Test func masterTotalMinusOneMeansNotYetCollected() throws {
        let text = try ParserFixture.section(master, command: "cluster_info").replacingOccurrences(of: "\"total\": 3", with: "\"total\": -1")
        #expect(try ParserFixture.parse(parser, text).at("balance_operation_count", "total") == .int(-1))
    }

    @Test func theDocsSkeletonHasEmptyValuesWhichAreNull() throws {
        let info = try ParserFixture.parse(parser, ParserFixture.section("pegasus/cluster_info.website-doc-skeleton.txt", command: "cluster_info"))
        for key in ["meta_servers", "primary_meta_server", "meta_function_level", "balance_operation_count", "total_replica_count_stddev"] {
            #expect(info.at(.key(key)) == .null, "\(key)")
        }
        // That (2.5-era) doc has no cluster_name row; the key is still there.
        #expect(info.at("cluster_name") == .null)
    }

    @Test func theMetaHTTPAPIServesTheSameKeysBare() throws {
        let info = try ParserFixture.parse(parser, ParserFixture.section(
            "pegasus/cluster_info_and_nodes.http-api.website-history.txt", command: "GET 127.0.0.1:34601/meta/cluster"))
        #expect(info.at("meta_function_level") == .string("steady"))
        #expect(info.at("balance_operation_count") == ParserFixture.ints(["move_pri": 0, "copy_pri": 0, "copy_sec": 0, "total": 0]))
        #expect(info.at("meta_servers").itemCount == 3)
        #expect(info.at("primary_replica_count_stddev") == .double(0))
        #expect(info.at("cluster_name") == .null)
    }

    @Test func bannerColoursAndTheExitLineAreIgnored() throws {
        for file in [v25, master] {
            let plain = try ParserFixture.section(file, command: "cluster_info")
            let session = try ParserFixture.pegasusSession(ParserFixture.coloured(plain))
            #expect(try ParserFixture.parse(parser, session) == ParserFixture.parse(parser, plain), "\(file)")
        }
    }

    @Test func aFailedQueryIsAnErrorQuotingTheShell() throws {
        // pegasus.md §2.1: the shell's failure line, printed on stdout with exit code 0.
        let session = try ParserFixture.pegasusSession("get cluster info failed, error=ERR_NETWORK_FAILURE\n")
        let banner = try ParserFixture.pegasusBanner().split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(ParserFixture.failure(parser, session)
            == "pegasus.cluster_info: line \(banner): pegasus_shell reported an error: \"get cluster info failed, error=ERR_NETWORK_FAILURE\"")
    }

    @Test func aShellThatExitedNonZeroIsAnError() throws {
        let session = try ParserFixture.pegasusSession("", exitCode: -1)
        #expect(ParserFixture.failure(parser, session) == "pegasus.cluster_info: pegasus_shell exited with code -1 (\"dsn exit with code -1\")")
    }

    @Test func garbageIsAClearErrorNeverACrash() throws {
        #expect(ParserFixture.failure(parser, "") == "pegasus.cluster_info: the output is empty (besides the shell's banner); no [cluster_info] table in the output")
        #expect(ParserFixture.failure(parser, "\u{0}\u{1}\u{FFFD} zzz\n")?.hasPrefix("pegasus.cluster_info: line 1: no [cluster_info] table") == true)
        #expect(ParserFixture.failure(parser, "{\"cluster_info\": {\"x\": }}")?
            .hasPrefix("pegasus.cluster_info: line 1: not valid JSON from here on: ") == true)
        #expect(ParserFixture.failure(parser, "{\"cluster_info\": {\"x\": ")
            == "pegasus.cluster_info: line 1: the JSON document starting here is cut short: its closing '}' is missing")
        #expect(ParserFixture.failure(parser, try ParserFixture.section("pegasus/nodes_-d.RENDERED.txt", command: "nodes -d")) != nil)
        try ParserFixture.survivesTruncation(parser, ParserFixture.section(master, command: "cluster_info"))
        try ParserFixture.survivesTruncation(parser, ParserFixture.section(master, command: "cluster_info -j"))
    }
}
