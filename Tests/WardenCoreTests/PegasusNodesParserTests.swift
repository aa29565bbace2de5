import Testing
@testable import WardenCore

@Suite("pegasus.nodes")
struct PegasusNodesParserTests {
    private let parser = "pegasus.nodes"
    private let rendered = "pegasus/nodes_-d.RENDERED.txt"

    @Test func detailedNodesGiveCountsAliveCountsAndSkew() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(rendered, command: "nodes -d"))
        #expect(result.at("nodes").itemCount == 4)
        let first = result.at("nodes", 0)
        #expect(first.at("address") == .string("127.0.0.1:34801"))
        #expect(first.at("status") == .string("ALIVE"))
        #expect(first.at("replica_count") == .int(12))
        #expect(first.at("primary_count") == .int(6))
        #expect(first.at("secondary_count") == .int(6))
        let dead = result.at("nodes", 3)
        #expect(dead.at("address") == .string("127.0.0.1:34804"))
        #expect(dead.at("status") == .string("UNALIVE"))
        #expect(dead.at("replica_count") == .int(0))
        #expect(result.at("alive_count") == .int(3))
        #expect(result.at("unalive_count") == .int(1))
        #expect(result.at("total_node_count") == .int(4))
        #expect(result.at("alive_node_count") == .int(3))
        #expect(result.at("unalive_node_count") == .int(1))
        // Alive primaries are 6, 4 and 2 (the dead node's 0 does not count): mean 4.
        #expect(result.at("primary_count_skew") == .map([
            "min": .int(2), "max": .int(6), "mean": .double(4), "spread": .int(4), "ratio": .double(1.5),
        ]))
        // Every alive node holds 12 replicas.
        #expect(result.at("replica_count_skew") == .map([
            "min": .int(12), "max": .int(12), "mean": .double(12), "spread": .int(0), "ratio": .double(1),
        ]))
        #expect(result.at("format") == .string("table"))
    }

    @Test func jsonFormMatchesTheTable() throws {
        let table = try ParserFixture.parse(parser, ParserFixture.section(rendered, command: "nodes -d"))
        let json = try ParserFixture.parse(parser, ParserFixture.section(rendered, command: "nodes -d -j"))
        #expect(json.at("format") == .string("json"))
        #expect(json.removingKey("format") == table.removingKey("format"))
    }

    @Test func plainNodesHaveStatusButNoSkew() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(rendered, command: "nodes"))
        #expect(result.at("nodes", 2) == .map(["address": .string("127.0.0.1:34803"), "status": .string("ALIVE")]))
        #expect(result.at("alive_count") == .int(3))
        #expect(result.at("primary_count_skew") == .null)
        #expect(result.at("replica_count_skew") == .null)
    }

    @Test func theOldLayoutWithoutTableNamesReads() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section("pegasus/nodes_-d.website-rebalance-oldformat.txt", command: "nodes -d"))
        #expect(result.at("nodes").itemCount == 4)
        #expect(result.at("nodes", 3, "address") == .string("10.132.5.5:32801"))
        #expect(result.at("nodes", 3, "primary_count") == .int(18))
        #expect(result.at("nodes", 3, "secondary_count") == .int(36))
        #expect(result.at("alive_count") == .int(4))
        #expect(result.at("total_node_count") == .null)
        #expect(result.at("replica_count_skew", "spread") == .int(0))
        #expect(result.at("primary_count_skew", "max") == .int(18))
    }

    @Test func theMetaHTTPAPIReads() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section(
            "pegasus/cluster_info_and_nodes.http-api.website-history.txt", command: "GET 127.0.0.1:34601/meta/nodes?detail"))
        #expect(result.at("nodes").itemCount == 2)
        #expect(result.at("nodes", 1, "address") == .string("127.0.0.1:34802"))
        #expect(result.at("nodes", 1, "replica_count") == .int(12))
        #expect(result.at("total_node_count") == .int(2))
        #expect(result.at("unalive_count") == .int(0))
    }

    @Test func aFailedListIsAnErrorQuotingTheShell() throws {
        // pegasus.md §2.4: `list nodes failed, error=<ERR>` on stdout.
        let session = try ParserFixture.pegasusSession("list nodes failed, error=ERR_TIMEOUT\n")
        #expect(ParserFixture.failure(parser, session)?.hasSuffix("pegasus_shell reported an error: \"list nodes failed, error=ERR_TIMEOUT\"") == true)
        #expect(ParserFixture.failureKind(parser, session) == .commandFailed)
    }

    @Test func bannerColoursAndTheExitLineAreIgnored() throws {
        let plain = try ParserFixture.section(rendered, command: "nodes -d")
        #expect(try ParserFixture.parse(parser, ParserFixture.pegasusSession(ParserFixture.coloured(plain))) == ParserFixture.parse(parser, plain))
    }

    @Test func garbageIsAClearErrorNeverACrash() throws {
        #expect(ParserFixture.failure(parser, "")?.hasPrefix("pegasus.nodes: the output is empty") == true)
        #expect(ParserFixture.failure(parser, "hello\nworld\n") == "pegasus.nodes: line 1: no [details] or [summary] table in the output: not nodes output")
        #expect(ParserFixture.failureKind(parser, "") == .empty)
        #expect(ParserFixture.failureKind(parser, "hello\nworld\n") == .unrecognized)
        try ParserFixture.survivesTruncation(parser, ParserFixture.section(rendered, command: "nodes -d"))
        try ParserFixture.survivesTruncation(parser, ParserFixture.section(rendered, command: "nodes -d -j"))
    }
}
