import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// A step's deadman on an in-memory host: armed (and journaled before and
/// after) before the change leaves, disarmed once cleanup succeeded, left
/// armed (and said so) when it did not, and firing on the host's own after
/// its time by the clock.
@Suite("Deadmen armed and disarmed (in memory)")
struct DeadmanRunTests {
    static let runbook = """
        name: rebalance
        targets:
          admin: {hosts: meta1, exactly: 1}
        steps:
          - id: lively
            on: admin
            run: set_meta_level lively
            unguarded: the test cluster
            deadman: {after: 6h, run: set_meta_level steady}
        finally:
          - id: steady
            on: admin
            run: set_meta_level steady
        """

    private func scene() async throws -> EngineScene {
        let scene = try await EngineScene.make(Self.runbook, hosts: ["admin": ["meta1"]])
        MetaLevelHost.install(on: scene.transport)
        return scene
    }

    @Test func aDeadmanIsArmedAndJournaledBeforeTheChangeAndDisarmedAfterCleanup() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        let report = await scene.run()
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        let timeline = try await scene.timeline().filter { !$0.hasPrefix("process-group") }
        #expect(timeline == [
            "step-started lively", "intent lively@meta1", "deadman-arming lively@meta1", "deadman-armed lively@meta1",
            "outcome lively@meta1", "step-finished lively",
            "step-started steady", "intent steady@meta1", "outcome steady@meta1", "step-finished steady",
            "deadman-disarmed lively@meta1",
        ])
        let deadman = try #require(scene.transport.deadmen(on: "meta1").first)
        #expect(deadman.path == "/var/lib/warden/deadman/run-1.lively")
        #expect(deadman.revert == "set_meta_level steady")
        #expect(deadman.status == .disarmed)
        // Its firing time is the run's clock plus six hours, on the host and in the journal.
        #expect(deadman.firesAt == EngineScene.morning.addingTimeInterval(6 * 3600))
        let armed = try #require(try await scene.events().first { $0.kind == .deadmanArmed })
        let fields = try #require(try JSONSerialization.jsonObject(with: Data((armed.detail ?? "").utf8)) as? [String: Any])
        #expect((fields["fires_at"] as? NSNumber)?.doubleValue == EngineScene.morning.timeIntervalSince1970 + 6 * 3600, "\(armed.detail ?? "")")
        #expect(report.deadmen.map(\.status) == [.disarmed])
        #expect(scene.transport.deadmanTimers(on: "meta1") == 0)
    }

    @Test func aCleanupThatFailsLeavesTheDeadmanArmedAndItRevertsOnItsOwn() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        // The meta server refuses the controller's steady; the deadman's revert runs on the host, later.
        scene.transport.on(.equals("set_meta_level steady"), host: "meta1", reply: .exit(1, stderr: "meta server busy\n"))
        let report = await scene.run()
        #expect(report.status == .failed)
        #expect(report.deadmen.map(\.status) == [.leftArmed])
        #expect(report.deadmen.first?.detail == "cleanup did not succeed: the host reverts the change on its own")
        let events = try await scene.events()
        #expect(events.last?.kind == .deadmanLeftArmed)
        #expect(scene.transport.deadmanTimers(on: "meta1") == 1)
        #expect(scene.transport.variable("level", on: "meta1") == "lively")

        // Nothing fires before its time; at six hours the host reverts by itself.
        scene.clock.advance(by: .seconds(6 * 3600 - 1))
        #expect(scene.transport.fireDueDeadmen().isEmpty)
        // By then the meta server takes it.
        MetaLevelHost.install(on: scene.transport, level: "lively")
        scene.clock.advance(by: .seconds(1))
        #expect(scene.transport.fireDueDeadmen().map(\.firedExit) == [0])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
        #expect(scene.transport.deadmanTimers(on: "meta1") == 0)
    }

    @Test func aDeadmanThatCannotBeArmedKeepsTheChangeFromStarting() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.refuseHostState(on: "meta1", message: "/var/lib/warden is owned by nobody (uid 65534)")
        let report = await scene.run()
        #expect(report.status == .failed)
        let host = try #require(report.steps.first?.hosts.first)
        #expect(host.reason == "not run: no safe deadman could be armed: meta1: refused the host state folder: /var/lib/warden is owned by nobody (uid 65534)",
                "\(host.reason ?? "")")
        #expect(!scene.transport.commands(receivedBy: "meta1").contains("set_meta_level lively"))
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
        let timeline = try await scene.timeline()
        #expect(timeline.contains("deadman-arming lively@meta1"))
        #expect(!timeline.contains("deadman-armed lively@meta1"))
    }
}
