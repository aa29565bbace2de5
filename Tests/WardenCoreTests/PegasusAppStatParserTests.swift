import Testing
@testable import WardenCore

@Suite("pegasus.app_stat")
struct PegasusAppStatParserTests {
    private let parser = "pegasus.app_stat"
    private let skv = "pegasus/app_stat_-q_-j.thirdparty-skv-1.12.3.txt"

    @Test func perPartitionRowsAndTheUnnamedTotalRow() throws {
        let result = try ParserFixture.parse(parser, ParserFixture.section("pegasus/app_stat.website-rebalance-oldformat.txt", command: "app_stat -a temp"))
        #expect(result.at("rows").itemCount == 8)
        #expect(result.at("rows", 2, "pidx") == .int(2))
        #expect(result.at("rows", 2, "file_count") == .int(4))
        #expect(result.at("rows", 7, "GET") == .int(0))
        #expect(result.at("total", "file_count") == .int(19))
        #expect(result.at("total", "storage_mb") == .int(0))
        #expect(result.at("total", "pidx") == .null)
        #expect(result.at("format") == .string("table"))
    }

    @Test func theJSONFormSeparatesTheTotalRow() throws {
        // The capture's author elided entries with a bare `...` line, which
        // is not JSON; without that line the document is whole.
        let captured = try ParserFixture.section(skv, command: "app_stat -q -j")
        let whole = captured.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.trimmingCharacters(in: .whitespaces) != "..." }
            .joined(separator: "\n")
        let result = try ParserFixture.parse(parser, whole)
        #expect(result.at("rows").itemCount == 1)
        #expect(result.at("rows", 0, "app_name") == .string("__detect"))
        #expect(result.at("rows", 0, "app_id") == .int(1))
        #expect(result.at("rows", 0, "pcount") == .int(8))
        #expect(result.at("rows", 0, "GET") == .double(0))
        #expect(result.at("total", "app_name") == .string("(total:3)"))
        #expect(result.at("total", "app_id") == .int(0))
        #expect(result.at("total", "pcount") == .int(24))
        #expect(result.at("format") == .string("json"))
    }

    @Test func theElidedCaptureIsAClearJSONError() throws {
        let captured = try ParserFixture.section(skv, command: "app_stat -q -j")
        #expect(ParserFixture.failure(parser, captured)?.hasPrefix("pegasus.app_stat: line 1: not valid JSON from here on") == true)
    }

    @Test func serverErrorsQuoteTheShell() throws {
        // pegasus.md §2.6.
        #expect(ParserFixture.failure(parser, ParserFixture.coloured("ERROR: query app stat from server failed") + "\n")
            == "pegasus.app_stat: line 1: pegasus_shell reported an error: \"ERROR: query app stat from server failed\"")
        #expect(ParserFixture.failure(parser, "ERROR: only_qps and only_usage should not be set at the same time\n")?
            .contains("only_qps and only_usage") == true)
    }

    @Test func garbageIsAClearErrorNeverACrash() throws {
        #expect(ParserFixture.failure(parser, "{\"apps\": {}}") == "pegasus.app_stat: line 1: the JSON has no \"app_stat\" table")
        #expect(ParserFixture.failure(parser, "\n\n")?.hasPrefix("pegasus.app_stat: the output is empty") == true)
        try ParserFixture.survivesTruncation(parser, ParserFixture.section("pegasus/app_stat.website-rebalance-oldformat.txt", command: "app_stat -a temp"))
    }
}
