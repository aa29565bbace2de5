import Testing
@testable import WardenCore

@Suite("pegasus.meta_level and pegasus.set_meta_level")
struct PegasusMetaLevelParserTests {
    @Test func getMetaLevelGivesTheLevelWithoutItsPrefix() throws {
        // `current meta level is fl_steady`, from the rebalance docs.
        let output = try ParserFixture.section("pegasus/get_meta_level.and.balance.website-rebalance.txt", command: "get_meta_level")
        #expect(try ParserFixture.parse("pegasus.meta_level", output) == .map(["level": .string("steady")]))
    }

    @Test func everyLevelOfTheEnumReads() throws {
        // The enum line of the source strings: fl_stopped = 100, fl_blind = 200, ...
        let enumLine = try ParserFixture.text("pegasus/meta_level.source-strings.txt").split(separator: "\n").first { $0.hasPrefix("fl_stopped") }
        let levels = try #require(enumLine).split(separator: ",").map { $0.split(separator: "=")[0].trimmingCharacters(in: .whitespaces) }
            .filter { $0 != "fl_invalid" }
        #expect(levels.count == 5)
        for level in levels {
            let line = try ParserFixture.sourceString(startingWith: "current meta level is", level)
            #expect(try ParserFixture.parse("pegasus.meta_level", ParserFixture.pegasusSession(line + "\n")).at("level")
                == .string(String(level.dropFirst(3))))
        }
    }

    @Test func adminCLIsJSONReads() throws {
        // admin-cli's `meta-level` (pegasus.md §2.2).
        #expect(try ParserFixture.parse("pegasus.meta_level", "{\"meta_level\": \"fl_lively\"}\n").at("level") == .string("lively"))
    }

    @Test func getMetaLevelErrorsQuoteTheShell() throws {
        let line = try ParserFixture.sourceString(startingWith: "get meta level got error", "ERR_TIMEOUT")
        #expect(line == "get meta level got error ERR_TIMEOUT")
        #expect(ParserFixture.failure("pegasus.meta_level", line + "\n")
            == "pegasus.meta_level: line 1: pegasus_shell reported an error: \"get meta level got error ERR_TIMEOUT\"")
    }

    @Test func setMetaLevelGivesTheOldLevel() throws {
        // A real 1.12.3 capture: `control meta level ok, the old level is fl_steady`.
        let output = try ParserFixture.section("pegasus/set_meta_level.thirdparty-skv-1.12.3.txt", command: "set_meta_level lively")
        let result = try ParserFixture.parse("pegasus.set_meta_level", output)
        #expect(result == .map(["ok": .bool(true), "old_level": .string("steady"), "new_level": .null]))
        #expect(try ParserFixture.parse("pegasus.set_meta_level", ParserFixture.pegasusSession(ParserFixture.coloured(output))) == result)
    }

    @Test func adminCLINamesBothLevels() throws {
        // admin-cli's reply (pegasus.md §2.2, admin-cli/executor/meta_level.go).
        let output = "Successfully update meta function level from \"fl_steady\" to \"fl_lively\"\n"
        #expect(try ParserFixture.parse("pegasus.set_meta_level", output)
            == .map(["ok": .bool(true), "old_level": .string("steady"), "new_level": .string("lively")]))
    }

    @Test func aRefusalIsAnErrorQuotingTheShell() throws {
        let refused = try ParserFixture.sourceString(startingWith: "control meta level got error", "ERR_STATE_FREEZED")
        #expect(ParserFixture.failure("pegasus.set_meta_level", try ParserFixture.pegasusSession(refused + "\n"))?
            .hasSuffix("pegasus_shell reported an error: \"control meta level got error ERR_STATE_FREEZED\"") == true)
    }

    @Test func anInvalidLevelIsAnErrorInBothVersions() throws {
        // master: bold red `ERROR: parse <arg> as meta function level failed`, then USAGE.
        let master = ParserFixture.coloured("ERROR: parse fast as meta function level failed") + "\nUSAGE: set_meta_level <stopped|blind|freezed|steady|lively>\n"
        #expect(ParserFixture.failure("pegasus.set_meta_level", master)
            == "pegasus.set_meta_level: line 1: pegasus_shell reported an error: \"ERROR: parse fast as meta function level failed\"")
        // v2.5.0: the same words, plain and without the prefix.
        let v25 = "parse fast as meta function level failed\nUSAGE: set_meta_level <stopped|blind|freezed|steady|lively>\n"
        #expect(ParserFixture.failure("pegasus.set_meta_level", v25)
            == "pegasus.set_meta_level: line 1: pegasus_shell reported an error: \"parse fast as meta function level failed\"")
        // No argument: only the usage line.
        #expect(ParserFixture.failure("pegasus.set_meta_level", "USAGE: set_meta_level <stopped|blind|freezed|steady|lively>\n")?
            .contains("\"USAGE: set_meta_level") == true)
    }

    @Test func garbageIsAClearErrorNeverACrash() throws {
        #expect(ParserFixture.failure("pegasus.meta_level", "current meta lvl\n")
            == "pegasus.meta_level: line 1: no 'current meta level is ...' line in the output")
        #expect(ParserFixture.failure("pegasus.set_meta_level", try ParserFixture.pegasusSession(""))
            == "pegasus.set_meta_level: the output is empty (besides the shell's banner); no 'control meta level ok' line in the output")
        #expect(ParserFixture.failure("pegasus.meta_level", "{\"meta\": 1}") != nil)
        try ParserFixture.survivesTruncation("pegasus.set_meta_level",
                                             ParserFixture.section("pegasus/set_meta_level.thirdparty-skv-1.12.3.txt", command: "set_meta_level lively"))
    }
}
