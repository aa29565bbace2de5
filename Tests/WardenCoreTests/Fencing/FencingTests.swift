import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// A controller that lost its run (another adopted it after its lease lapsed) sends nothing
/// more: not the next change, not a probe, not its cleanup; and it neither ends the run nor
/// releases what the run holds, which moved to the adopter.
@Suite("Fencing a controller that lost its run")
struct FencingTests {
    private let host = InventoryHost(name: "db1", address: "db1", user: "warden", auth: .agent(socket: nil),
                                     hostKey: .pinned(fingerprint: "SHA256:test"), location: SourceLocation(file: "inv.yaml", line: 1, column: 1))

    @Test func aControllerPausedPastItsLeaseRenewsBeforeItsNextCommandAndSendsNothingOnceAdopted() async throws {
        let clock = TestClock()
        let hosts = InMemoryTransport(clock: clock)
        let journal = Journal(store: MemoryJournalStore())
        let started = clock.now
        try await journal.begin(JournalRun(id: "r1", runbook: "x", file: "x.yaml", initiator: "alice", controller: "a:1", planHash: "h",
                                           parameters: "", startedAt: started), lease: .seconds(30))
        let hold = RunLease(fence: RunFence(runID: "r1", epoch: 1), journal: journal, lease: .seconds(30), clock: clock, since: clock.instant)
        let transport = FencedTransport(base: hosts, lease: hold)

        // Within the lease: sent without asking the journal.
        _ = try await transport.run(RemoteCommand("echo one"), on: host)
        // Paused (SIGSTOP) past its lease; meanwhile another controller adopted the run.
        clock.advance(by: .seconds(45))
        let adopter = try await journal.adopt(run: "r1", controller: "b:2", expecting: 1, reason: "its lease lapsed", at: clock.now)
        #expect(adopter.epoch == 2)
        // Woken: its next command first renews, is refused, and never leaves.
        await #expect(throws: TransportError.self) { _ = try await transport.run(RemoteCommand("set_meta_level lively"), on: host) }
        do throws(TransportError) {
            _ = try await transport.run(RemoteCommand("set_meta_level steady"), on: host)
            Issue.record("a command left after the run was lost")
        } catch {
            #expect(error.kind == .notSent)
            #expect(error.message.contains("db1") && error.message.contains("taken over by b:2"), "\(error.message)")
        }
        #expect(hosts.commands(receivedBy: "db1") == ["echo one"])
        #expect(await hold.lost?.kind == .fenced)
    }

    @Test func aControllerWithinItsLeaseSendsWithoutAskingTheJournalAndPastItRenewsFirst() async throws {
        let clock = TestClock()
        let hosts = InMemoryTransport(clock: clock)
        let journal = Journal(store: MemoryJournalStore())
        try await journal.begin(JournalRun(id: "r1", runbook: "x", file: "x.yaml", initiator: "alice", controller: "a:1", planHash: "h",
                                           parameters: "", startedAt: clock.now), lease: .seconds(30))
        let hold = RunLease(fence: RunFence(runID: "r1", epoch: 1), journal: journal, lease: .seconds(30), clock: clock, since: clock.instant)
        let transport = FencedTransport(base: hosts, lease: hold)
        let leased = try #require(try await journal.run("r1")?.leaseUntil)
        clock.advance(by: .seconds(25))
        _ = try await transport.run(RemoteCommand("echo late"), on: host)
        let renewed = try #require(try await journal.run("r1")?.leaseUntil)
        #expect(renewed >= leased + 25, "past two thirds of its lease the hold renewed before sending: \(leased) → \(renewed)")
        #expect(hosts.commands(receivedBy: "db1") == ["echo late"])
    }
}
