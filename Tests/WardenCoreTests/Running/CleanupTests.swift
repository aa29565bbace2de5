import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// Cleanup (`finally`) runs whatever ends the run: a step that fails, a host
/// that goes away, an interrupt, a guard that blocks; its retries wait on the
/// run's clock; a cleanup step that fails makes the run fail and says which.
@Suite("Cleanup always runs (in memory)")
struct CleanupTests {
    static let runbook = """
        name: rebalance
        targets:
          admin: {hosts: meta1, exactly: 1}
        probes:
          health: {on: admin, run: health, parse: json}
        guards:
          - {probe: health, expect: result.ok, message: the cluster is unhealthy}
        steps:
          - id: lively
            on: admin
            run: set_meta_level lively
          - id: rebalance
            on: admin
            run: rebalance
            timeout: 1h
          - id: report
            on: admin
            run: report
        finally:
          - id: steady
            on: admin
            run: set_meta_level steady
            retries: 3
            delay: 5s
        """

    private func scene() async throws -> EngineScene {
        let scene = try await EngineScene.make(Self.runbook, hosts: ["admin": ["meta1"]])
        MetaLevelHost.install(on: scene.transport)
        scene.transport.on(.equals("report"), host: "meta1", reply: .success())
        return scene
    }

    @Test func aFailingStepStopsTheRunAndCleanupRuns() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .exit(3, stderr: "balancer refused\n"))
        let report = await scene.run()
        #expect(report.status == .failed)
        #expect(report.reason?.hasPrefix("step 'rebalance' failed: failed on 1 host: meta1") == true, "\(report.reason ?? "")")
        #expect(report.steps.map(\.status) == [.ok, .failed, .notRun])
        #expect(report.cleanup.map(\.status) == [.ok])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
        #expect(!scene.transport.commands(receivedBy: "meta1").contains("report"))
        // A process group is journaled as its command starts, by an append not waited for: left out of the order.
        let timeline = try await scene.timeline().filter { !$0.hasPrefix("process-group") }
        #expect(timeline.suffix(4) == ["step-started steady", "intent steady@meta1", "outcome steady@meta1", "step-finished steady"])
    }

    @Test func aHostLostMidCommandFailsTheStepAndCleanupStillReachesIt() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .sessionLost(stdout: "moving\n"))
        let report = await scene.run()
        #expect(report.status == .failed)
        let host = try #require(report.steps[1].hosts.first)
        #expect(host.reason?.contains("the connection dropped while the command ran") == true, "\(host.reason ?? "")")
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
    }

    @Test func aCommandKilledOnTheHostFailsTheStepAndCleanupRuns() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .hang())
        let run = scene.start()
        try await scene.transport.waitUntil("rebalance runs") { $0.runningCount(on: "meta1") == 1 }
        // The OOM killer, an operator's kill -9: the command ends by a signal, not an exit status.
        #expect(scene.transport.finishRunning(on: "meta1") == 1)
        let report = try await outcome(of: run)
        #expect(report.status == .failed)
        #expect(report.steps[1].hosts.first?.reason == "exited by a signal")
        #expect(report.steps[1].hosts.first?.exit == nil)
        #expect(report.cleanup.map(\.status) == [.ok])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
    }

    @Test func anInterruptedRunStillRunsItsCleanup() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .hang())
        let run = scene.start()
        try await scene.transport.waitUntil("rebalance runs") { $0.runningCount(on: "meta1") == 1 }
        // Ctrl-C: the CLI cancels the run's task.
        run.cancel()
        let report = try await outcome(of: run)
        #expect(report.status == .aborted)
        #expect(report.reason == "interrupted (Ctrl-C or SIGTERM) during step 'rebalance'")
        #expect(report.steps.map(\.status) == [.ok, .failed, .notRun])
        #expect(report.cleanup.map(\.status) == [.ok])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
        let events = try await scene.events()
        #expect(events.contains { $0.kind == .outcome && $0.step == "steady" && $0.status == .ok })
    }

    @Test func aStepThatTimesOutByTheClockFailsAndCleanupRuns() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .hang(stdout: "moved 3 of 9\n"))
        let run = scene.start()
        // Only the command's timeout sleeps on the clock.
        try await scene.clock.waitUntilAsleep(1)
        scene.clock.advance(by: .seconds(3600))
        let report = try await outcome(of: run)
        #expect(report.status == .failed)
        let host = try #require(report.steps[1].hosts.first)
        #expect(host.reason?.contains("command timed out: still running after 1h") == true, "\(host.reason ?? "")")
        #expect(scene.clock.elapsed == .seconds(3600))
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
    }

    @Test func cleanupRetriesWaitOnTheClockUntilTheyPass() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .success())
        // The meta server refuses the first two tries.
        scene.transport.set("refusals", to: "2", on: "meta1")
        scene.transport.on(.equals("set_meta_level steady"), host: "meta1") { _, state in
            let left = Int(state.variables["refusals"] ?? "0") ?? 0
            guard left == 0 else {
                state.variables["refusals"] = String(left - 1)
                return .exit(1, stderr: "meta server busy\n")
            }
            state.variables["level"] = "steady"
            return .success("control meta level ok\n")
        }
        let run = scene.start()
        for _ in 0..<2 {
            try await scene.clock.waitUntilAsleep(1)
            scene.clock.advance(by: .seconds(5))
        }
        let report = try await outcome(of: run)
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(report.cleanup.first?.hosts.first?.attempts == 3)
        #expect(scene.clock.elapsed == .seconds(10))
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
    }

    @Test func aCleanupThatFailsMakesTheRunFailAndSaysWhich() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .success())
        scene.transport.on(.equals("set_meta_level steady"), host: "meta1", reply: .exit(1, stderr: "meta server down\n"))
        let run = scene.start()
        for _ in 0..<3 {
            try await scene.clock.waitUntilAsleep(1)
            scene.clock.advance(by: .seconds(5))
        }
        let report = try await outcome(of: run)
        #expect(report.status == .failed)
        #expect(report.reason?.hasPrefix("cleanup step 'steady' failed: failed on 1 host: meta1") == true, "\(report.reason ?? "")")
        #expect(scene.transport.variable("level", on: "meta1") == "lively")
    }

    @Test func aGuardThatBlocksTheFirstChangeStillRunsCleanup() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.on(.equals("health"), host: "meta1", reply: .success("{\"ok\": false}\n"))
        let report = await scene.run()
        #expect(report.status == .blocked)
        #expect(report.reason?.contains("the cluster is unhealthy") == true, "\(report.reason ?? "")")
        #expect(!scene.transport.commands(receivedBy: "meta1").contains("set_meta_level lively"))
        #expect(report.cleanup.map(\.status) == [.ok])
    }
}
