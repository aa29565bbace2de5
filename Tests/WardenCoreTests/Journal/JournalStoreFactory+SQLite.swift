import Foundation
import WardenCore
import WardenTesting

extension JournalStoreFactory {
    /// `SQLiteJournalStore` in a fresh state folder: a second journal opens the
    /// same file, raw SQL edits it behind the journal's back, and a writer in
    /// another process shares it.
    static let sqlite = JournalStoreFactory(name: "sqlite", capabilities: [.holdsUnknownValues, .sharedAcrossProcesses]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-conformance-\(UUID().uuidString)").path
        let journal = try await Journal.open(directory: folder)
        return JournalStoreFixture(
            journal: journal, tampering: SQLiteJournalTampering(path: journal.path),
            reopen: { try await Journal.open(directory: folder) },
            spawnWriter: { job in try SpawnedJournalWriter(job, state: folder) },
            remove: { try? FileManager.default.removeItem(atPath: folder) })
    }
}
