import Foundation
import Synchronization
import Testing
@testable import WardenCore
import WardenTesting

/// A run's lock directory on its lock host is renewed under the same check as every command:
/// a controller paused between confirming its hold on the run and renewing the directory,
/// whose run another controller adopted meanwhile, sends nothing when it wakes. Seen on a
/// loaded CI machine (SharedJournalTests): the woken controller sent the renewal script to the
/// host the adopter now drove.
@Suite("Lock directories under the run's hold")
struct LockDirectoryFencingTests {
    static let runbook = """
        name: held
        targets:
          meta: {hosts: meta1, exactly: 1}
        lock: {name: cluster, on: meta}
        steps:
          - id: wait
            pause: 5m
        """

    @Test func aControllerPausedBeforeRenewingItsLockDirectorySendsNothingOnceItsRunWasAdopted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-lockfence-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.runbook.write(toFile: folder + "/held.yaml", atomically: false, encoding: .utf8)
        try RunLifecycleTests.inventory.write(toFile: folder + "/inventory.yaml", atomically: false, encoding: .utf8)

        let clock = TestClock()
        let transport = InMemoryTransport(clock: clock)
        let store = PausingStore(base: MemoryJournalStore())
        let journal = Journal(store: store)
        let context = try RunInputs(runbook: folder + "/held.yaml", inventory: folder + "/inventory.yaml", clock: clock).load().context
        let plan = await Planner.plan(context: context, transport: transport, concurrency: 4, secretKey: nil)
        let session = RunSession(context: context, transport: transport, journal: journal,
                                 identity: RunIdentity(user: "alice", controller: RunLifecycleTests.deadController),
                                 delegate: RunLifecycleTests.Notices(), concurrency: 4)
        let run = Task { () async throws -> RunReport in try await session.start(plan: plan, artifacts: folder + "/artifacts") }
        let started = try await RunLifecycleTests.awaitEvent(journal) { $0.kind == .stepStarted && $0.step == "wait" }
        #expect(transport.locks(on: "meta1").map(\.run) == [started.runID], "the run holds the lock directory")

        // While the run pauses, the only write is the keeper's renewal of the journal's lock, made
        // after it confirmed its hold and before it renews the directory on meta1. There, this
        // controller "pauses" for two minutes, during which another controller adopts the run.
        let sentAtAdoption = Mutex<Int?>(nil)
        store.beforeNextWrite {
            try? await journal.adopt(run: started.runID, controller: "bastion-2:4242", at: clock.now)
            sentAtAdoption.withLock { $0 = transport.commands(receivedBy: "meta1").count }
            clock.advance(by: .seconds(120))
        }
        for _ in 0..<60 where sentAtAdoption.withLock({ $0 }) == nil {
            for _ in 0..<50 { await Task.yield() }
            clock.advance(by: .seconds(1))
        }
        let sent = try #require(sentAtAdoption.withLock { $0 }, "the keeper never renewed the journal's lock")
        let report = try await RunLifecycleTests.drive(clock, until: run)

        #expect(report.reason?.contains("this controller lost the run") == true, "\(report.reason ?? "")")
        let after = transport.commands(receivedBy: "meta1").dropFirst(sent)
        #expect(after.isEmpty, "sent to meta1 after the run was adopted: \(Array(after))")
        #expect(transport.locks(on: "meta1").map(\.run) == [started.runID], "the directory is the adopter's now, untouched")
    }
}

/// A memory journal that runs a test's action before its next `write` (once): where a
/// controller is to pause, or another controller to act, in the middle of what a run does.
private final class PausingStore: JournalStore, Sendable {
    let base: MemoryJournalStore
    private let action = Mutex<(@Sendable () async -> Void)?>(nil)

    init(base: MemoryJournalStore) {
        self.base = base
    }

    func beforeNextWrite(_ body: @escaping @Sendable () async -> Void) {
        action.withLock { $0 = body }
    }

    var location: String { base.location }
    var localFolder: String? { base.localFolder }

    func read<T: Sendable>(_ body: @escaping @Sendable (any JournalReader) throws -> T) async throws(JournalError) -> T {
        try await base.read(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        // Taken before it runs: the action's own writes (the adoption) pass straight through.
        if let pending = action.withLock({ action in defer { action = nil }; return action }) { await pending() }
        return try await base.write(body)
    }

    func writeUrgently<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        try await base.writeUrgently(body)
    }

    func renewLease(_ fence: RunFence, for lease: Duration, at now: Date) async throws(JournalError) -> (until: Double, stopRequest: String?) {
        try await base.renewLease(fence, for: lease, at: now)
    }

    func claimWork(controller: String, lease: Duration, at now: Date) async throws(JournalError) -> WorkItem? {
        try await base.claimWork(controller: controller, lease: lease, at: now)
    }

    func signals() -> AsyncStream<JournalSignal>? { nil }
}
