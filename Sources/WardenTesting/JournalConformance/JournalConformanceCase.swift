/// One check on one kind of store: an argument of a parameterised test.
public struct JournalConformanceCase: Sendable, CustomStringConvertible {
    public let store: JournalStoreFactory
    public let check: JournalConformanceCheck

    /// Makes a fresh store, runs the check on it, and removes the store;
    /// throws what did not hold.
    public func run() async throws {
        let fixture = try await store.make()
        defer { fixture.remove() }
        try await check.body(fixture)
    }

    public var description: String { "\(store.name): \(check.name)" }
}
