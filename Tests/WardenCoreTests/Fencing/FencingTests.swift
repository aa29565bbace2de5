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

    /// Run r1 begun by controller a:1 with a 30 s lease on the test clock, its hold, and a fenced
    /// transport over hosts in memory.
    static func held() async throws -> (TestClock, InMemoryTransport, Journal, RunLease, FencedTransport) {
        let clock = TestClock()
        let hosts = InMemoryTransport(clock: clock)
        let journal = Journal(store: MemoryJournalStore())
        try await journal.begin(JournalRun(id: "r1", runbook: "x", file: "x.yaml", initiator: "alice", controller: "a:1", planHash: "h",
                                           parameters: "", startedAt: clock.now), lease: .seconds(30))
        let hold = RunLease(fence: RunFence(runID: "r1", epoch: 1), journal: journal, lease: .seconds(30), clock: clock, since: clock.instant)
        return (clock, hosts, journal, hold, FencedTransport(base: hosts, lease: hold))
    }

    @Test func aControllerPausedPastItsLeaseRenewsBeforeItsNextCommandAndSendsNothingOnceAdopted() async throws {
        let (clock, hosts, journal, hold, transport) = try await Self.held()

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
        let (clock, hosts, journal, _, transport) = try await Self.held()
        let leased = try #require(try await journal.run("r1")?.leaseUntil)
        clock.advance(by: .seconds(25))
        _ = try await transport.run(RemoteCommand("echo late"), on: host)
        let renewed = try #require(try await journal.run("r1")?.leaseUntil)
        #expect(renewed >= leased + 25, "past two thirds of its lease the hold renewed before sending: \(leased) → \(renewed)")
        #expect(hosts.commands(receivedBy: "db1") == ["echo late"])
    }

    /// A connection slower than the rest of the hold (a loaded sshd): the command is refused unsent
    /// at the last moment, the hold is confirmed with the journal, and the command is sent then,
    /// once. Before, the host failed with "not sent" though nobody had taken the run.
    @Test func aCommandHeldUpOnItsConnectionPastTheHoldIsSentOnceTheJournalConfirmsTheHold() async throws {
        let (clock, hosts, journal, hold, transport) = try await Self.held()
        let leased = try #require(try await journal.run("r1")?.leaseUntil)
        hosts.slowNextConnection(to: "db1", by: .seconds(25))
        hosts.on(.equals("echo slow"), host: "db1", reply: .success("slow\n"))
        let sent = Task { () async throws -> CommandResult in try await transport.run(RemoteCommand("echo slow"), on: host) }
        try await clock.waitUntilAsleep(1)
        clock.advance(by: .seconds(25))
        let result = try await sent.value
        #expect(result.exitStatus == 0)
        #expect(hosts.commands(receivedBy: "db1") == ["echo slow"], "sent once, after the hold was confirmed")
        let renewed = try #require(try await journal.run("r1")?.leaseUntil)
        #expect(renewed >= leased + 25, "the hold was renewed before the command was sent again: \(leased) → \(renewed)")
        #expect(await hold.lost == nil)
    }

    /// The same, but the run was adopted while the connection was slow: nothing is sent at all.
    @Test func aCommandHeldUpOnItsConnectionWhileTheRunWasAdoptedIsNeverSent() async throws {
        let (clock, hosts, journal, _, transport) = try await Self.held()
        hosts.slowNextConnection(to: "db1", by: .seconds(50))
        let sent = Task { () async -> Result<CommandResult, TransportError> in
            do throws(TransportError) {
                return .success(try await transport.run(RemoteCommand("set_meta_level lively"), on: host))
            } catch {
                return .failure(error)
            }
        }
        try await clock.waitUntilAsleep(1)
        clock.advance(by: .seconds(50))
        _ = try await journal.adopt(run: "r1", controller: "b:2", expecting: 1, reason: "its lease lapsed", at: clock.now)
        switch await sent.value {
        case .success: Issue.record("a command was sent after the run was adopted")
        case let .failure(error):
            #expect(error.kind == .notSent)
            #expect(error.message.contains("taken over by b:2"), "\(error.message)")
        }
        #expect(hosts.commands(receivedBy: "db1").isEmpty)
    }
}
