import Foundation
import WardenCore
@testable import WardenPostgres
import WardenTesting

extension JournalStoreFactory {
    /// `PostgresJournalStore` on a fresh database of the shared test server: a second journal
    /// connects anew, SQL of its own connection edits it behind the journal's back, and a
    /// writer in another process shares it.
    static let postgres = JournalStoreFactory(name: "postgres", capabilities: [.holdsUnknownValues, .sharedAcrossProcesses]) {
        let server = try await SharedPostgres.server()
        let url = try await server.createDatabase()
        let address = try PostgresAddress(url: url)
        let password = try PostgresPassword.resolve(file: server.passwordFile)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("warden-conformance-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let open: @Sendable () async throws -> Journal = {
            Journal(store: try await PostgresJournalStore.open(address, password: password), folder: scratch)
        }
        return JournalStoreFixture(
            journal: try await open(), tampering: try PostgresJournalTampering(address: address, password: password),
            reopen: open,
            spawnWriter: { job in
                try SpawnedJournalWriter(job, state: url, scratch: scratch, environment: ["WARDEN_STATE_PASSWORD_FILE": server.passwordFile])
            },
            remove: { try? FileManager.default.removeItem(atPath: scratch) })
    }
}
