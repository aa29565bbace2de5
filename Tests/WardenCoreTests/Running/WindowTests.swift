import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// The maintenance window and its cleanup reserve with a test clock that
/// starts at 10:00 UTC: the steps stop where the reserve begins (not at the
/// window's end), cleanup still runs, and a run planned inside the reserve
/// or outside the window does not start.
@Suite("Maintenance windows and the cleanup reserve (in memory)")
struct WindowTests {
    /// A window 09:00-11:00 UTC keeping its last 10 minutes for cleanup: at
    /// 10:00, fifty minutes are left for the steps.
    static func runbook(between: String = "09:00-11:00", holding step: String) -> String {
        """
        name: windowed
        targets:
          admin: {hosts: meta1, exactly: 1}
        window: {between: "\(between)", timezone: UTC, cleanup_reserve: 10m}
        probes:
          health: {on: admin, run: health, parse: json}
          balance: {on: admin, run: balance, parse: json}
        guards:
          - {probe: health, expect: result.ok}
        steps:
          - id: lively
            on: admin
            run: set_meta_level lively
        \(step)
        finally:
          - id: steady
            on: admin
            run: set_meta_level steady
        """
    }

    @Test func aLongStepIsStoppedWhereTheReserveBeginsAndCleanupRunsInsideTheWindow() async throws {
        let scene = try await EngineScene.make(Self.runbook(holding: """
              - id: rebalance
                on: admin
                run: rebalance
                timeout: 2h
            """), hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .hang(stdout: "moving replicas\n"))
        let run = scene.start()
        // The window's end for the steps, and the command's two-hour timeout.
        try await scene.clock.waitUntilAsleep(2)
        scene.clock.advance(by: .seconds(50 * 60))
        let report = try await outcome(of: run)
        #expect(report.status == .aborted)
        #expect(report.reason == "the maintenance window 09:00-11:00 UTC closes in 10m, the time kept for cleanup")
        #expect(scene.clock.elapsed == .seconds(50 * 60))
        let stopped = try #require(report.steps.last?.hosts.first)
        #expect(stopped.status == .failed)
        #expect(stopped.reason?.contains("cancelled") == true, "\(stopped.reason ?? "")")
        // The window's end is time running out, not a sign that the change hurts: no rollback, only cleanup.
        #expect(report.rollback.isEmpty)
        #expect(report.cleanup.map(\.status) == [.ok])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
        #expect(scene.transport.runningCount() == 0, "the hung command was stopped")
    }

    @Test func aWaitUntilTheWindowStopsPollingWhereTheReserveBegins() async throws {
        let scene = try await EngineScene.make(Self.runbook(holding: """
              - id: balanced
                wait: {probe: balance, until: "result.n == 0", every: 7m, timeout: window}
            """), hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        MetaLevelHost.series("balance", [5], on: scene.transport)
        let run = scene.start()
        // Polls at 0, 7, ..., 49 minutes: the one at 56 would be inside the reserve.
        for _ in 0..<7 {
            try await scene.clock.waitUntilAsleep(2)
            scene.clock.advance(by: .seconds(7 * 60))
        }
        let report = try await outcome(of: run)
        #expect(report.status == .failed)
        #expect(report.steps.last?.summary.hasPrefix("the window's time for steps ran out (the rest is kept for cleanup) after 8 poll(s)") == true,
                "\(report.steps.last?.summary ?? "")")
        #expect(MetaLevelHost.reads(of: "balance", on: scene.transport) == 8)
        #expect(scene.clock.elapsed == .seconds(49 * 60))
        #expect(report.cleanup.map(\.status) == [.ok])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
    }

    @Test func aWaitThatHoldsInTimeEndsTheStepsBeforeTheWindowDoes() async throws {
        let scene = try await EngineScene.make(Self.runbook(holding: """
              - id: balanced
                wait: {probe: balance, until: "result.n == 0", consecutive: 2, every: 5m, timeout: window}
            """), hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        MetaLevelHost.series("balance", [4, 2, 0, 0], on: scene.transport)
        let run = scene.start()
        for _ in 0..<3 {
            try await scene.clock.waitUntilAsleep(2)
            scene.clock.advance(by: .seconds(5 * 60))
        }
        let report = try await outcome(of: run)
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(report.steps.last?.summary == "result.n == 0 held 2 time(s) in a row after 4 poll(s)")
        #expect(scene.clock.elapsed == .seconds(15 * 60))
    }

    private func planned(between: String) async throws -> (Plan, InMemoryTransport) {
        let scene = try await EngineScene.make(Self.runbook(between: between, holding: ""), hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        return (await Planner.plan(context: scene.context, transport: scene.transport, concurrency: 4, secretKey: nil), scene.transport)
    }

    @Test func aRunPlannedInsideTheReserveIsTooLateToStart() async throws {
        // At 10:00 the window 08:00-10:05 has five minutes left, all of them kept for cleanup.
        let (plan, transport) = try await planned(between: "08:00-10:05")
        #expect(plan.verdict == .blocked)
        #expect(plan.verdictReason == "the maintenance window 08:00-10:05 UTC closes in 5m, within the 10m kept for cleanup: too late to start")
        #expect(!transport.commands(receivedBy: "meta1").contains("set_meta_level lively"))
    }

    @Test func aRunPlannedOutsideTheWindowIsBlockedAndSaysWhenItOpens() async throws {
        let (plan, _) = try await planned(between: "11:30-12:00")
        #expect(plan.verdict == .blocked)
        #expect(plan.verdictReason == "outside the maintenance window 11:30-12:00 UTC; it opens in 1h30m")
        let (open, _) = try await planned(between: "09:00-11:00")
        #expect(open.verdict == .proceeds, "\(open.verdictReason ?? "")")
    }
}
