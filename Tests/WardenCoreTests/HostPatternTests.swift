import Testing
@testable import WardenCore

@Suite struct HostPatternTests {
    static let yaml = """
        hosts:
          web-1: {groups: [web, east]}
          web-2: {groups: [web, west]}
          db-1: {groups: [db, east]}
          db-2: {groups: [db, west]}
          cache-1:
        groups:
          prod:
            children: [web, db]
          spare:

        """

    private func names(_ pattern: String) throws -> [String] {
        try InventoryFixtures.load(Self.yaml).select(pattern).map(\.name)
    }

    private func failure(_ pattern: String) throws -> String? {
        try selectionError(pattern)?.description
    }

    private func selectionError(_ pattern: String) throws -> SelectionError? {
        let inventory = try InventoryFixtures.load(Self.yaml)
        do {
            let selected = try inventory.select(pattern)
            Issue.record("'\(pattern)' selected \(selected.map(\.name))")
            return nil
        } catch {
            #expect(error.pattern == pattern)
            return error
        }
    }

    @Test(arguments: [
        ("web", ["web-1", "web-2"]),
        ("db-2", ["db-2"]),
        ("all", ["web-1", "web-2", "db-1", "db-2", "cache-1"]),
        // File order, whatever the order in the pattern.
        ("db-2,web-1", ["web-1", "db-2"]),
        ("db:web", ["web-1", "web-2", "db-1", "db-2"]),
        // Each host once.
        ("web,web-1,web,prod", ["web-1", "web-2", "db-1", "db-2"]),
        ("prod:!db-1", ["web-1", "web-2", "db-2"]),
        ("all:!prod", ["cache-1"]),
        ("prod:&east", ["web-1", "db-1"]),
        // Intersections and exclusions apply after all unions, wherever they stand.
        ("&east:prod", ["web-1", "db-1"]),
        ("!web:prod", ["db-1", "db-2"]),
        ("prod:&west:!web", ["db-2"]),
        (" web , db-1 ", ["web-1", "web-2", "db-1"]),
    ])
    func selects(pattern: String, expected: [String]) throws {
        #expect(try names(pattern) == expected)
    }

    @Test(arguments: [
        ("web-*", ["web-1", "web-2"]),
        ("*-1", ["web-1", "db-1", "cache-1"]),
        ("db-[12]", ["db-1", "db-2"]),
        ("db-[!1]", ["db-2"]),
        ("[a-c]*", ["cache-1"]),
        ("[a-d]*", ["db-1", "db-2", "cache-1"]),
        // Globs match group names too: 'w?st' is the group west.
        ("w?st", ["web-2", "db-2"]),
        ("*", ["web-1", "web-2", "db-1", "db-2", "cache-1"]),
        ("all:!*-2", ["web-1", "db-1", "cache-1"]),
        ("p*:&e*", ["web-1", "db-1"]),
    ])
    func globs(pattern: String, expected: [String]) throws {
        #expect(try names(pattern) == expected)
    }

    @Test(arguments: [
        ("", "host pattern '' is empty; name hosts or groups, or 'all' for every host"),
        ("  ", "host pattern '  ' is empty; name hosts or groups, or 'all' for every host"),
        ("web,,db", "pattern 'web,,db' has an empty term; terms are separated by ',' or ':'"),
        ("web:", "pattern 'web:' has an empty term; terms are separated by ',' or ':'"),
        ("webb", "pattern 'webb': no host or group is named 'webb'; did you mean 'web'?"),
        ("prod:!db-3", "pattern 'prod:!db-3': no host or group is named 'db-3'; did you mean 'db-1'?"),
        ("prod:&nowhere", "pattern 'prod:&nowhere': no host or group is named 'nowhere'"),
        ("x*", "pattern 'x*': 'x*' matches no host or group"),
        ("all:!x*", "pattern 'all:!x*': 'x*' matches no host or group"),
        ("web:&db", "pattern 'web:&db' selects no hosts"),
        ("spare", "pattern 'spare' selects no hosts"),
        ("all:!prod:!cache-1", "pattern 'all:!prod:!cache-1' selects no hosts"),
        ("!web", "pattern '!web' only excludes hosts; write 'all:!web' to select every other host"),
        ("!web,!db", "pattern '!web,!db' only excludes hosts; write 'all:!web,!db' to select every other host"),
        ("&web", "pattern '&web' has nothing to narrow down; start with hosts, groups or 'all', as in 'all:&web'"),
        ("&web:!db-1", "pattern '&web:!db-1' has nothing to narrow down; start with hosts, groups or 'all', as in 'all:&web:!db-1'"),
        ("web:!", "pattern 'web:!' has '!' without a name after it"),
        ("web db", "pattern 'web db' contains invalid character ' '"),
        ("web;db", "pattern 'web;db' contains invalid character ';'"),
        ("web&db", "pattern 'web&db' contains invalid character '&'"),
        ("!!web", "pattern '!!web' contains invalid character '!'"),
        ("web-*/x", "pattern 'web-*/x' contains invalid character '/'"),
        ("web-[1", "pattern 'web-[1' has an unclosed '['"),
        ("web-[]", "pattern 'web-[]' has an empty '[]'"),
        ("web-[2-1]", "pattern 'web-[2-1]' has a backwards range '2-1'"),
        ("web-1]", "pattern 'web-1]' contains invalid character ']'"),
    ])
    func rejects(pattern: String, message: String) throws {
        let error = try selectionError(pattern)
        #expect(error?.description == message)
        // The messages above fall into three kinds: unknown names, a selection that comes out empty, and syntax.
        let kind: SelectionError.Kind = message.contains("no host or group") ? .unknownName
            : message.contains("selects no hosts") ? .selectsNothing : .invalidPattern
        #expect(error?.kind == kind)
    }

    @Test func parsedPatternsCanBeReused() throws {
        let pattern = try HostPattern("prod:!db-*")
        #expect(pattern.description == "prod:!db-*")
        let inventory = try InventoryFixtures.load(Self.yaml)
        #expect(try pattern.select(from: inventory).map(\.name) == ["web-1", "web-2"])
    }

    @Test func syntaxIsCheckedBeforeAnyInventory() {
        #expect(throws: SelectionError(.invalidPattern, pattern: "!web", message: "pattern '!web' only excludes hosts",
                                       hint: "write 'all:!web' to select every other host")) {
            try HostPattern("!web")
        }
    }

    @Test func globMatching() throws {
        #expect(try GlobPattern("a*b*c").matches("aXXbYYc"))
        #expect(try !GlobPattern("a*b*c").matches("aXXbYY"))
        #expect(try GlobPattern("*a").matches("aaa"))
        #expect(try GlobPattern("**").matches(""))
        #expect(try !GlobPattern("?").matches(""))
        #expect(try GlobPattern("[^x]y").matches("zy"))
        #expect(try !GlobPattern("[^x]y").matches("xy"))
    }
}
