import Foundation
import Testing
@testable import WardenCore

/// `state:` names a state folder or a journal in PostgreSQL; `runs.lease` and `runs.adopt_after`
/// say how runs are held and adopted. Problems name the key and where it is.
@Suite("Serve config: state and run leases")
struct ServeStateConfigTests {
    private func parse(_ text: String) throws(ServeConfigurationError) -> ServeConfiguration {
        try ServeConfiguration.parse(text, file: "/etc/warden/serve.yaml", environment: ["HOME": "/home/w"])
    }

    @Test func aFolderADatabaseURLOrAMappingOfBoth() throws {
        let folder = try parse("state: state\n")
        #expect(folder.state == "/etc/warden/state" && folder.journal == nil)
        #expect(folder.tokens == "/etc/warden/state/tokens.json")
        let url = try parse("state: postgres://warden@db:5432/warden\n")
        #expect(url.journal == "postgres://warden@db:5432/warden" && url.state == "/home/w/.local/state/warden")
        let mapping = try parse("""
            state:
              journal: postgres://warden@db/warden?sslmode=require
              password_file: db-password
              folder: /var/lib/warden
            runs: {lease: 20s, adopt_after: 5s}
            """)
        #expect(mapping.journal == "postgres://warden@db/warden?sslmode=require")
        #expect(mapping.journalPasswordFile == "/etc/warden/db-password" && mapping.state == "/var/lib/warden")
        #expect(mapping.tokens == "/var/lib/warden/tokens.json")
        #expect(mapping.runLease == .seconds(20) && mapping.adoptAfter == .seconds(5))
        let defaults = try parse("listen: 127.0.0.1:8470\n")
        #expect(defaults.runLease == JournalRun.defaultLease && defaults.adoptAfter == .seconds(15))
    }

    @Test(arguments: [
        ("state:\n  password_file: p\n", "state.password_file is for a journal in a database", 2),
        ("state:\n  jurnal: postgres://w@db/j\n", "jurnal", 2),
        ("runs: {lease: 1s}\n", "runs.lease must be at least 3s", 1),
        ("runs: {adopt_after: soon}\n", "runs.adopt_after", 1),
    ])
    func aProblemIsNamedWithWhereItIs(_ text: String, _ expected: String, _ line: Int) {
        do {
            _ = try parse(text)
            Issue.record("taken: \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.problems.first?.location?.line == line, "\(error.problems)")
        }
    }
}
