import Foundation
import WardenCore

extension JournalStoreFactory {
    /// `MemoryJournalStore`: each fixture a fresh store; a second journal on it shares its contents.
    public static let memory = JournalStoreFactory(name: "memory") {
        let store = MemoryJournalStore(name: "conformance-\(UUID().uuidString)")
        return JournalStoreFixture(journal: Journal(store: store), tampering: MemoryJournalTampering(store),
                                   reopen: { Journal(store: store) })
    }
}
