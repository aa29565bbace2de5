/// One behaviour every store must have, checked on a fresh store.
public struct JournalConformanceCheck: Sendable, CustomStringConvertible {
    /// What must hold, as a sentence.
    public let name: String
    /// What the store must be able to do for the check to apply.
    public let requires: Set<JournalStoreFactory.Capability>
    let body: @Sendable (JournalStoreFixture) async throws -> Void

    init(_ name: String, requires: Set<JournalStoreFactory.Capability> = [], _ body: @escaping @Sendable (JournalStoreFixture) async throws -> Void) {
        self.name = name
        self.requires = requires
        self.body = body
    }

    public var description: String { name }
}
