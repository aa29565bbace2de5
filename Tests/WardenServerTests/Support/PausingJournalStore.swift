import Foundation
import Synchronization
import WardenCore

/// A journal store that runs a test's step before one write, chosen by the test, goes ahead: for
/// tests of what happens when something (a shutdown) comes while a caller waits on that write.
/// Everything else goes straight to `base`.
final class PausingJournalStore: JournalStore {
    let base: any JournalStore
    private let before = Mutex<(@Sendable () async -> Void)?>(nil)

    init(base: any JournalStore) {
        self.base = base
    }

    var location: String { base.location }
    var localFolder: String? { base.localFolder }

    /// The next write (`write`, not urgent or ahead) first runs `step`; the ones after it do not.
    func beforeNextWrite(_ step: @escaping @Sendable () async -> Void) {
        before.withLock { $0 = step }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any JournalReader) throws -> T) async throws(JournalError) -> T {
        try await base.read(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        if let step = before.withLock({ value -> (@Sendable () async -> Void)? in
            defer { value = nil }
            return value
        }) {
            await step()
        }
        return try await base.write(body)
    }

    func writeUrgently<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await base.writeUrgently(body)
    }

    func writeAhead<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await base.writeAhead(body)
    }

    func claimWork(controller: String, lease: Duration, at now: Date) async throws(JournalError) -> WorkItem? {
        try await base.claimWork(controller: controller, lease: lease, at: now)
    }

    func renewLease(_ fence: RunFence, for lease: Duration, at now: Date) async throws(JournalError) -> (until: Double, stopRequest: String?) {
        try await base.renewLease(fence, for: lease, at: now)
    }

    func signals() -> AsyncStream<JournalSignal>? {
        base.signals()
    }
}
