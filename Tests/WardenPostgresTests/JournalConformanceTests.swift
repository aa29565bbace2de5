import Testing
import WardenTesting

/// The PostgreSQL store passes every check of `JournalConformance`, as SQLite's does.
@Suite("Journal store conformance on PostgreSQL")
struct PostgresJournalConformanceTests {
    @Test(arguments: JournalConformance.cases(for: [.postgres]))
    func conforms(_ test: JournalConformanceCase) async throws {
        try await test.run()
    }
}
