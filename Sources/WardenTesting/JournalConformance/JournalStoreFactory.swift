import WardenCore

/// A kind of store the conformance suite checks: how to make a fresh one,
/// and what it can do beyond what every store must.
public struct JournalStoreFactory: Sendable, CustomStringConvertible {
    /// What a store can do that not every store can, and that some checks need.
    public enum Capability: Sendable, Hashable {
        /// It keeps kinds and statuses as text (a database does), so it can
        /// hold one this version does not know: `JournalTampering.storeUnknown` works.
        case holdsUnknownValues
        /// Another process can write to it at the same time (`JournalStoreFixture.spawnWriter`).
        case sharedAcrossProcesses
    }

    public let name: String
    public let capabilities: Set<Capability>
    public let make: @Sendable () async throws -> JournalStoreFixture

    public init(name: String, capabilities: Set<Capability> = [], make: @escaping @Sendable () async throws -> JournalStoreFixture) {
        self.name = name
        self.capabilities = capabilities
        self.make = make
    }

    public var description: String { name }
}
