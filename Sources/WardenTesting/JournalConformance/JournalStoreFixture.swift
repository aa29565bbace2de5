import WardenCore

/// One fresh, empty store for one check: the journal over it, and the ways a
/// check reaches past the journal (another journal on the same store, an
/// edit behind its back, a writer in another process).
public struct JournalStoreFixture: Sendable {
    public let journal: Journal
    /// Changes the stored records behind the journal's back.
    public let tampering: any JournalTampering
    /// A second `Journal` on the same store, as another controller opens it
    /// (for SQLite: a new connection to the same file).
    public let reopen: @Sendable () async throws -> Journal
    /// Starts a writer in another process on the same store; nil for a store
    /// one process alone can reach.
    public let spawnWriter: (@Sendable (JournalWriterJob) async throws -> any JournalWriterProcess)?
    /// Removes what the store left (its folder, its database).
    public let remove: @Sendable () -> Void

    public init(journal: Journal, tampering: any JournalTampering, reopen: @escaping @Sendable () async throws -> Journal,
                spawnWriter: (@Sendable (JournalWriterJob) async throws -> any JournalWriterProcess)? = nil,
                remove: @escaping @Sendable () -> Void = {}) {
        self.journal = journal
        self.tampering = tampering
        self.reopen = reopen
        self.spawnWriter = spawnWriter
        self.remove = remove
    }
}
