import Synchronization
import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// Run locks and their leases with a test clock: a lease lapses only once
/// its time is up by the clock, the keeper renews every third of it, and a
/// run whose lock was taken over or broken learns it at its next renewal.
@Suite("Locks and leases (in memory)")
struct LockLeaseTests {
    /// A journal with runs `run-a` and `run-b` still running on a controller
    /// of another machine (assumed alive), and a clock.
    private func journal() async throws -> (Journal, TestClock, String) {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let folder = base + "/warden-locks-\(UUID().uuidString)"
        let journal = try await Journal.open(directory: folder)
        for run in ["run-a", "run-b"] {
            try await journal.begin(JournalRun(id: run, runbook: "rebalance", file: "rebalance.yaml", initiator: "tester",
                                               controller: "elsewhere:1", planHash: "sha256:test", parameters: ""))
        }
        return (journal, TestClock(now: EngineScene.morning), folder)
    }

    private func lock(_ run: String, lease: Duration, at clock: TestClock) -> RunLock {
        RunLock(name: "pegasus/c1", runID: run, holder: "tester", controller: "elsewhere:1", acquiredAt: clock.now, lease: lease)
    }

    @Test func aLeaseLapsesOnlyOnceItsTimeIsUpByTheClock() async throws {
        let (journal, clock, folder) = try await journal()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try await journal.acquire(lock("run-a", lease: .seconds(3), at: clock), at: clock.now).acquired)
        clock.advance(by: .seconds(3))
        let early = try await journal.acquire(lock("run-b", lease: .seconds(3), at: clock), at: clock.now)
        #expect(!early.acquired, "three seconds on, the lease has not lapsed yet")
        #expect(early.previous?.runID == "run-a")
        clock.advance(by: .milliseconds(1))
        let late = try await journal.acquire(lock("run-b", lease: .seconds(3), at: clock), at: clock.now)
        #expect(late.acquired)
        #expect(late.previous?.runID == "run-a")
        let takeover = try #require(try await journal.auditRecords().last { $0.action == .lockTakenOver })
        #expect(takeover.summary?.contains("from run run-a of tester on elsewhere:1: its lease lapsed at") == true, "\(takeover.summary ?? "")")
        #expect(try await journal.locks().map(\.runID) == ["run-b"])
    }

    @Test func theKeeperRenewsEveryThirdOfTheLease() async throws {
        let (journal, clock, folder) = try await journal()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let start = clock.now.timeIntervalSince1970
        #expect(try await journal.acquire(lock("run-a", lease: .seconds(30), at: clock), at: clock.now).acquired)
        let keeper = Task {
            await LockKeeper.keep(journal: journal, runID: "run-a", lease: .seconds(30), clock: clock) { lost in
                Issue.record("lost a lock it holds: \(lost)")
            }
        }
        defer { keeper.cancel() }
        try await clock.waitUntilAsleep(1)
        for renewal in 1...3 {
            clock.advance(by: .seconds(10))
            // Asleep again once it has renewed.
            try await clock.waitUntilAsleep(1)
            #expect(try await journal.locks().first?.expiresAt == start + Double(renewal * 10 + 30))
        }
        // Renewed all along, the lock is never another run's to take.
        clock.advance(by: .seconds(25))
        #expect(!(try await journal.acquire(lock("run-b", lease: .seconds(30), at: clock), at: clock.now).acquired))
    }

    /// Starts the keeper of `run-a` (which holds its lock), does `meanwhile` while it sleeps, then
    /// moves the clock to its next renewal: what it reported lost.
    private func lostLock(_ journal: Journal, _ clock: TestClock, renewHost: (@Sendable (RunLock) async -> Bool)? = nil,
                          meanwhile: () async throws -> Void) async throws -> String {
        let keeper = Task { () -> String? in
            let reported = LostReport()
            await LockKeeper.keep(journal: journal, runID: "run-a", lease: .seconds(30), clock: clock, renewHost: renewHost) { loss in
                if case let .lock(lost) = loss { await reported.set(lost) }
            }
            return await reported.text
        }
        try await clock.waitUntilAsleep(1)
        try await meanwhile()
        clock.advance(by: .seconds(10))
        return try #require(try await finished(keeper))
    }

    @Test func aRunThatStalledPastItsLeaseLosesItsLockToTheNextRunAndLearnsIt() async throws {
        let (journal, clock, folder) = try await journal()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try await journal.acquire(lock("run-a", lease: .seconds(30), at: clock), at: clock.now).acquired)
        let lost = try await lostLock(journal, clock) {
            // run-a's controller stalls before its first renewal; run-b, on a controller whose clock reads
            // 31 s later, finds the lease lapsed and takes the lock over.
            let later = clock.now.addingTimeInterval(31)
            let taken = try await journal.acquire(RunLock(name: "pegasus/c1", runID: "run-b", holder: "tester", controller: "elsewhere:2",
                                                          acquiredAt: later, lease: .seconds(30)), at: later)
            #expect(taken.acquired)
        }
        // run-a wakes up: its next renewal finds the lock gone, and says so, so the run stops.
        #expect(lost == "lock 'pegasus/c1' is no longer held by this run (broken or taken over)")
        #expect(try await journal.locks().map(\.runID) == ["run-b"])
    }

    @Test func aLockBrokenByAnOperatorIsNoticedAtTheNextRenewal() async throws {
        let (journal, clock, folder) = try await journal()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try await journal.acquire(lock("run-a", lease: .seconds(30), at: clock), at: clock.now).acquired)
        let lost = try await lostLock(journal, clock) {
            let broken = try await journal.breakLock("pegasus/c1", reason: "its controller is gone")
            #expect(broken?.runID == "run-a")
        }
        #expect(lost == "lock 'pegasus/c1' is no longer held by this run (broken or taken over)")
    }

    @Test func aLockDirectoryTheHostNoLongerGivesThisRunStopsIt() async throws {
        let (journal, clock, folder) = try await journal()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let transport = InMemoryTransport(clock: clock)
        let host = EngineScene.host("meta1")
        let mine = HostLock(name: "pegasus/c1", runID: "run-a", owner: "tester on bastion", lease: .seconds(30),
                            folder: HostStateFolder(for: host))
        #expect(try await journal.acquire(lock("run-a", lease: .seconds(30), at: clock), at: clock.now).acquired)
        #expect(try await mine.acquire(on: host, transport: transport) == .acquired)
        let lost = try await lostLock(journal, clock, renewHost: { _ in
            (try? await mine.renew(on: host, transport: transport)) == .renewed
        }, meanwhile: {
            // Another controller (its own journal) takes the directory over: an operator removed it by hand.
            let theirs = HostLock(name: "pegasus/c1", runID: "run-c", owner: "other on bastion-2", lease: .seconds(30),
                                  folder: HostStateFolder(for: host))
            let released = try await mine.release(on: host, transport: transport)
            let taken = try await theirs.acquire(on: host, transport: transport)
            #expect(released == .released && taken == .acquired)
        })
        #expect(lost == "lock 'pegasus/c1' on its lock host is no longer held by this run")
    }

    @Test func aLockDirectoryOnTheHostIsHeldUntilItsLeaseLapsesByTheClock() async throws {
        let clock = TestClock(now: EngineScene.morning)
        let transport = InMemoryTransport(clock: clock)
        let host = EngineScene.host("meta1")
        func lock(_ run: String) -> HostLock {
            HostLock(name: "pegasus/c1", runID: run, owner: "\(run) on bastion", lease: .seconds(3), folder: HostStateFolder(for: host))
        }
        #expect(try await lock("run-a").acquire(on: host, transport: transport) == .acquired)
        #expect(try await lock("run-a").renew(on: host, transport: transport) == .renewed)
        clock.advance(by: .seconds(3))
        guard case .held(let by) = try await lock("run-b").acquire(on: host, transport: transport) else {
            Issue.record("a lock whose lease runs until now was taken")
            return
        }
        #expect(by.hasPrefix("run=run-a, owner=run-a on bastion, expires="), "\(by)")
        clock.advance(by: .seconds(1))
        #expect(try await lock("run-b").acquire(on: host, transport: transport) == .takenOver(from: "run-a"))
        #expect(try await lock("run-a").renew(on: host, transport: transport) == .lost)
        #expect(try await lock("run-a").release(on: host, transport: transport) == .lost, "not its lock any more")
        #expect(transport.locks(on: "meta1").map(\.run) == ["run-b"])
        #expect(try await lock("run-b").release(on: host, transport: transport) == .released)
        #expect(transport.locks(on: "meta1").isEmpty)
    }
}

/// What a lock keeper reported lost, kept across its callback.
private actor LostReport {
    private(set) var text: String?

    func set(_ text: String) {
        self.text = text
    }
}

/// The keeper and the run's hold.
extension LockLeaseTests {
    /// A controller that cannot confirm its hold on the run (the journal unreachable, or it just
    /// woke from a pause and its run may have been adopted) renews no lock on any host: the
    /// adopter's lock directory is the adopter's. Once the journal answers, renewals go on.
    @Test func noHostLockIsRenewedWhileTheHoldCannotBeConfirmed() async throws {
        let clock = TestClock()
        let store = MemoryJournalStore()
        let journal = Journal(store: store)
        try await journal.begin(JournalRun(id: "run-a", runbook: "x", file: "x.yaml", initiator: "alice", controller: "a:1", planHash: "h",
                                           parameters: "", startedAt: clock.now), lease: .seconds(30))
        #expect(try await journal.acquire(RunLock(name: "pegasus/c1", runID: "run-a", holder: "tester", controller: "a:1", acquiredAt: clock.now, lease: .seconds(30)), at: clock.now).acquired)
        let hold = RunLease(fence: RunFence(runID: "run-a", epoch: 1), journal: journal, lease: .seconds(30), clock: clock, since: clock.instant)
        let renewals = Mutex(0)
        let troubles = Mutex<[String]>([])
        let keeper = Task {
            await LockKeeper.keep(journal: journal, runID: "run-a", lease: .seconds(30), hold: hold, clock: clock,
                                  renewHost: { _ in renewals.withLock { $0 += 1 }; return true },
                                  onTrouble: { trouble in troubles.withLock { $0.append(trouble) } }) { _ in }
        }
        defer { keeper.cancel() }
        try await clock.waitUntilAsleep(2)
        store.unreachable("the database restarted")
        for _ in 0..<3 {
            clock.advance(by: .seconds(10))
            try await clock.waitUntilAsleep(2)
        }
        #expect(renewals.withLock { $0 } == 0, "a host lock renewed while the hold could not be confirmed")
        // Said each time, for the log: an operator must see that a controller cannot keep its runs.
        #expect(troubles.withLock { $0 }.count == 3 && troubles.withLock { $0 }.allSatisfy { $0.contains("the database restarted") },
                "\(troubles.withLock { $0 })")
        store.unreachable(nil)
        clock.advance(by: .seconds(10))
        try await clock.waitUntilAsleep(2)
        #expect(renewals.withLock { $0 } == 1)
    }

    /// A lock host that takes long to answer (a loaded machine, a dying host) does not hold up
    /// the renewals of the run's hold: they go on every third of the lease, so no other
    /// controller adopts a run that is still running here.
    @Test func aLockHostThatDoesNotAnswerDoesNotLetTheHoldOnTheRunLapse() async throws {
        let clock = TestClock()
        let journal = Journal(store: MemoryJournalStore())
        try await journal.begin(JournalRun(id: "run-a", runbook: "x", file: "x.yaml", initiator: "alice", controller: "a:1", planHash: "h",
                                           parameters: "", startedAt: clock.now), lease: .seconds(6))
        #expect(try await journal.acquire(RunLock(name: "pegasus/c1", runID: "run-a", holder: "tester", controller: "a:1", acquiredAt: clock.now,
                                                  lease: .seconds(30), host: "meta1"), at: clock.now).acquired)
        let hold = RunLease(fence: RunFence(runID: "run-a", epoch: 1), journal: journal, lease: .seconds(6), clock: clock, since: clock.instant)
        let hostAsked = AsyncStream<Void>.makeStream()
        let hostAnswers = AsyncStream<Void>.makeStream()
        let renewalCancelled = Mutex<Bool?>(nil)
        let keeper = Task {
            await LockKeeper.keep(journal: journal, runID: "run-a", lease: .seconds(30), hold: hold, clock: clock,
                                  renewHost: { _ in
                                      // Does not answer until the test lets it.
                                      hostAsked.continuation.yield()
                                      for await _ in hostAnswers.stream { break }
                                      renewalCancelled.withLock { $0 = Task.isCancelled }
                                      return true
                                  }) { loss in Issue.record("lost: \(loss)") }
        }
        try await clock.waitUntilAsleep(2)
        let start = try #require(try await journal.run("run-a")?.leaseUntil)
        clock.advance(by: .seconds(2))
        var asked = hostAsked.stream.makeAsyncIterator()
        _ = await asked.next()
        // The locks' loop hangs on the host; the hold's sleeps alone, and renews on time.
        for round in 1...5 {
            try await clock.waitUntilAsleep(1)
            clock.advance(by: .seconds(2))
            try await clock.waitUntilAsleep(1)
            #expect(try await journal.run("run-a")?.leaseUntil == start + Double(round * 2 + 2), "round \(round)")
        }
        // Cancelled, the keeper still lets the renewal under way end (killed half-way, it could
        // leave the directory's mutex behind), and ends with it.
        keeper.cancel()
        hostAnswers.continuation.yield()
        await keeper.value
        #expect(renewalCancelled.withLock { $0 } == false, "the renewal under way was cancelled with the keeper, or never ended")
    }
}
