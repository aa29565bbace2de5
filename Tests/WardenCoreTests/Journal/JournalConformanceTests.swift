import Testing
import WardenTesting

/// Both shipped stores pass every check of `JournalConformance` (WardenTesting),
/// the suite a new store is written against (see README.md here).
@Suite("Journal store conformance")
struct JournalConformanceTests {
    @Test(arguments: JournalConformance.cases(for: [.sqlite, .memory]))
    func conforms(_ test: JournalConformanceCase) async throws {
        try await test.run()
    }
}
