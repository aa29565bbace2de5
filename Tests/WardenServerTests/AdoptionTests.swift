import Foundation
import Testing
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// Runs a dead controller left, adopted by the next: what only a person can settle is left to
/// them (and not taken over again and again by every reaper round), and their word resumes it.
@Suite("Adopting runs")
struct AdoptionTests {
    @Test func aRunAdoptedWithAChangeOnlyAPersonCanSettleIsLeftToThemAndResumesOnTheirWord() async throws {
        var options = ServeHarness.Options()
        options.controller = ServeHarness.deadController
        options.runbooks["unverified"] = """
            name: unverified
            targets:
              meta: {hosts: meta1, exactly: 1}
            steps:
              - id: lively
                on: meta
                run: set_meta_level lively
                unguarded: a test
            finally:
              - id: steady
                on: meta
                run: set_meta_level steady
                unguarded: a test
            """
        try await ServeHarness.with(options) { dead, api in
            // The change takes effect, and its controller dies before it hears back: no verify can say so.
            dead.transport.on(.equals("set_meta_level lively"), host: "meta1") { _, state in
                state.variables["level"] = "lively"
                return .hang()
            }
            let run = try await api.start("unverified")
            // Its process group journaled too, so the adopter knows which one to look for on the host.
            // (Copied before it was, the adopter had no leftover to look for; copied after, it waited
            // for a group the hung command kept alive, and the test hung with it.)
            try await dead.until("the change was sent and its process group journaled") {
                try await dead.journal.events(of: run).contains { $0.kind == .processGroup && $0.step == "lively" }
            }
            let journaled = try await dead.journal.events(of: run).first { $0.kind == .processGroup && $0.step == "lively" }
            let fields = journaled?.detail.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let group = (fields?["pgid"] as? Int).map(Int32.init)
            // The command ended on the host while nobody listened: the adopter finds its group gone,
            // and cannot know whether the change took effect.
            dead.transport.endProcessGroup(try #require(group, "the process-group event names the group"), on: "meta1")
            let harness = await dead.restarted()
            let identity = RunIdentity(user: "warden", controller: OperatingSystemUser.controller)
            let adoptions = await harness.services.dispatcher.adoptOrphans(identity: identity)
            guard case let .waiting(waiting, reason)? = adoptions.first, waiting == run else {
                Issue.record("not left to an operator: \(adoptions)")
                return
            }
            #expect(reason.contains("lively"), "\(reason)")
            let left = try #require(try await harness.journal.run(run))
            #expect(left.isLeftToOperator && left.epoch == 2 && left.controller == OperatingSystemUser.controller, "\(left)")
            #expect(try await harness.journal.events(of: run).last?.detail?.contains("needs an operator") == true)
            // The next round of the reaper leaves it alone: no takeover after takeover.
            #expect(await harness.services.dispatcher.adoptOrphans(identity: identity) == [])
            #expect(try await harness.journal.run(run)?.epoch == 2)

            // The operator's word carries it on: the change is not sent again, the cleanup is.
            let resumed = try await harness.services.dispatcher.resume(run, assume: .done,
                                                                       identity: RunIdentity(user: "carol", controller: OperatingSystemUser.controller))
            #expect(resumed == run)
            let ended = try await harness.finish(run)
            #expect(ended.status == .ended(.succeeded), "\(ended.reason ?? "")")
            #expect(ended.epoch == 3)
            #expect(harness.transport.commands(receivedBy: "meta1").filter { $0 == "set_meta_level lively" }.count == 1)
            #expect(harness.transport.variable("level", on: "meta1") == "steady")
            #expect(try await harness.journal.verifyAudit() == nil)
            try await harness.shutdown()
        }
    }

    /// A daemon takes over an orphan and begins stopping (SIGTERM) before it resumes it: the run
    /// is not left to an operator, as one only a person can settle would be; its hold lapses and
    /// the next daemon adopts it as it would have. Before, it was parked "needs an operator: the
    /// daemon is stopping", and no daemon took it over again.
    @Test func anOrphanTakenOverAsTheDaemonStopsIsLeftForTheNextDaemonNotAnOperator() async throws {
        var options = ServeHarness.Options()
        options.controller = ServeHarness.deadController
        try await ServeHarness.with(options) { dead, api in
            // Its controller died while the run waited at its approval gate: nothing unknown on a host.
            let run = try await api.start("rebalance")
            try await dead.awaitGate(of: run)
            var gate: PausingJournalStore?
            let stopping = await dead.restarted { copy in
                let store = PausingJournalStore(base: copy)
                gate = store
                return store
            }
            let dispatcher = stopping.services.dispatcher
            // SIGTERM arrives while the takeover is being written.
            try #require(gate).beforeNextWrite {
                Task { await dispatcher.drain(grace: .zero) }
                while await dispatcher.isAccepting { await Task.yield() }
            }
            let identity = RunIdentity(user: "warden", controller: OperatingSystemUser.controller)
            #expect(await dispatcher.adoptOrphans(identity: identity) == [], "neither resumed nor left to an operator")
            let left = try #require(try await stopping.journal.run(run))
            #expect(!left.isLeftToOperator && left.leaseUntil != nil && left.epoch == 2, "\(left)")
            #expect(try await stopping.journal.events(of: run).contains { $0.detail?.contains("needs an operator") == true } == false)

            // The next daemon adopts it once the hold has lapsed, and the run waits at its gate again.
            let settings = await dispatcher.settings
            dead.clock.advance(by: settings.runLease + settings.adoptAfter + .seconds(1))
            let next = await stopping.restarted()
            #expect(await next.services.dispatcher.adoptOrphans(identity: identity) == [.resumed(run)])
            try await next.awaitGate(of: run)
            try await next.shutdown()
        }
    }
}
