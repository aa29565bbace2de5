import WardenTesting

/// One PostgreSQL server for this test process (initdb and start take seconds; a fresh
/// database per check takes a fraction of one), started by the first test that needs it; it
/// stops when the process is gone (`TestPostgres` watches it).
enum SharedPostgres {
    private static let starting = Task { try await TestPostgres.start(fsync: false) }

    static func server() async throws -> TestPostgres {
        try await starting.value
    }
}
