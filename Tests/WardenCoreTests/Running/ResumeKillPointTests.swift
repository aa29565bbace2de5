import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// Resuming a run whose controller died (kill -9) at each point of a step,
/// on in-memory hosts: the journal holds the run's events up to that point
/// and the host is as the commands sent by then left it. Whatever the point,
/// the resumed run leaves the cluster `steady` with no deadman armed, and
/// never runs a change twice unless its verify says it did not take effect.
/// A resumed run that fails still runs the pending cleanup and says what
/// failed (issue 13, item 7); a resume killed in turn resumes again.
@Suite("Resume at every kill point (in memory)")
struct ResumeKillPointTests {
    static let runbook = """
        name: rebalance
        targets:
          admin: {hosts: meta1, exactly: 1}
        probes:
          health: {on: admin, run: health, parse: json}
        guards:
          - {probe: health, expect: result.ok}
        steps:
          - id: lively
            on: admin
            run: set_meta_level lively
            deadman: {after: 6h, run: set_meta_level steady}
            verify: {run: get_meta_level, parse: json, expect: 'result.level == "lively"'}
          - id: rebalance
            on: admin
            run: rebalance
        finally:
          - id: steady
            on: admin
            run: set_meta_level steady
        """

    /// A scene of the runbook with the meta level host and a rebalance that succeeds.
    private func scene(level: String = "steady") async throws -> EngineScene {
        let scene = try await EngineScene.make(Self.runbook, hosts: ["admin": ["meta1"]])
        MetaLevelHost.install(on: scene.transport, level: level)
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .success("balanced\n"))
        return scene
    }

    /// The journal of a controller killed right after it wrote the `occurrence`-th event reading
    /// `point` in `events`, in a new scene whose host is at `level` (with the step's deadman armed
    /// when `armed`): everything the resume has to go on.
    private func killed(after point: String, occurrence: Int = 1, of events: [JournalEvent], level: String,
                        armed: Bool) async throws -> EngineScene {
        let scene = try await scene(level: level)
        try await scene.journal(of: events, through: point, occurrence: occurrence)
        if armed {
            _ = try await Deadman.arm("set_meta_level steady", after: .seconds(6 * 3600), runID: scene.runID, step: "lively",
                                      host: EngineScene.host("meta1"), transport: scene.transport, clock: scene.clock)
        }
        return scene
    }

    private func resume(_ scene: EngineScene, assumeDone: Bool? = nil) async throws -> (RunReport, [String]) {
        try await scene.resume(assumeDone: assumeDone)
    }

    /// The whole run's events, once.
    private func wholeRun() async throws -> [JournalEvent] {
        let scene = try await scene()
        defer { scene.remove() }
        let report = await scene.run()
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        return try await scene.events()
    }

    /// What every resume must leave: steady, nothing armed, and `lively` sent `livelySent` times.
    private func expectSafe(_ scene: EngineScene, _ report: RunReport, livelySent: Int,
                            sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(report.status == .succeeded, "\(report.reason ?? "")", sourceLocation: sourceLocation)
        #expect(scene.transport.variable("level", on: "meta1") == "steady", sourceLocation: sourceLocation)
        #expect(scene.transport.deadmanTimers(on: "meta1") == 0, "a deadman is still armed: \(scene.transport.deadmen(on: "meta1"))",
                sourceLocation: sourceLocation)
        #expect(scene.transport.commands(receivedBy: "meta1").filter { $0 == "set_meta_level lively" }.count == livelySent,
                sourceLocation: sourceLocation)
        #expect(report.cleanup.map(\.status) == [.ok], sourceLocation: sourceLocation)
    }

    @Test func killedBeforeTheIntentTheStepRunsAgain() async throws {
        let scene = try await killed(after: "step-started lively", of: try await wholeRun(), level: "steady", armed: false)
        defer { scene.remove() }
        let (report, verified) = try await resume(scene)
        #expect(verified.isEmpty)
        expectSafe(scene, report, livelySent: 1)
        #expect(report.deadmen.map(\.status) == [.disarmed])
    }

    @Test func killedAfterTheIntentBeforeTheCommandLeftVerifySendsItAgain() async throws {
        let scene = try await killed(after: "intent lively@meta1", of: try await wholeRun(), level: "steady", armed: false)
        defer { scene.remove() }
        let (report, verified) = try await resume(scene)
        #expect(verified == ["lively@meta1: verify says it did not take effect; it runs again"])
        expectSafe(scene, report, livelySent: 1)
    }

    @Test func killedWhileArmingTheDeadmanTheStepRunsAgainAndOneTimerIsLeftToDisarm() async throws {
        let scene = try await killed(after: "deadman-arming lively@meta1", of: try await wholeRun(), level: "steady", armed: false)
        defer { scene.remove() }
        let (report, _) = try await resume(scene)
        expectSafe(scene, report, livelySent: 1)
        #expect(scene.transport.deadmanHistory(on: "meta1").map(\.status) == [.disarmed])
        #expect(report.deadmen.map(\.status) == [.disarmed])
    }

    @Test func killedOnceTheDeadmanWasArmedTheStepRunsAgainAndTheFirstTimerEnds() async throws {
        // The deadman is armed; the command itself never reached the host.
        let scene = try await killed(after: "deadman-armed lively@meta1", of: try await wholeRun(), level: "steady", armed: true)
        defer { scene.remove() }
        let (report, verified) = try await resume(scene)
        #expect(verified == ["lively@meta1: verify says it did not take effect; it runs again"])
        expectSafe(scene, report, livelySent: 1)
        // Armed again in the same place: the dead controller's timer was ended, the new one disarmed.
        #expect(scene.transport.deadmanHistory(on: "meta1").map(\.status) == [.superseded, .disarmed])
        #expect(report.deadmen.map(\.status) == [.disarmed])
    }

    @Test func killedAfterTheChangeTookEffectVerifyKeepsItFromRunningTwice() async throws {
        let scene = try await killed(after: "deadman-armed lively@meta1", of: try await wholeRun(), level: "lively", armed: true)
        defer { scene.remove() }
        let (report, verified) = try await resume(scene)
        #expect(verified == ["lively@meta1: verify says it took effect; not run again"])
        expectSafe(scene, report, livelySent: 0)
        #expect(report.steps.first?.summary == "done before the resume")
        #expect(report.deadmen.map(\.status) == [.disarmed])
    }

    @Test func killedAfterTheOutcomeTheStepIsNotRunAgain() async throws {
        let scene = try await killed(after: "outcome lively@meta1", of: try await wholeRun(), level: "lively", armed: true)
        defer { scene.remove() }
        let (report, verified) = try await resume(scene)
        #expect(verified.isEmpty)
        expectSafe(scene, report, livelySent: 0)
        #expect(scene.transport.commands(receivedBy: "meta1").contains("rebalance"))
    }

    @Test func killedDuringCleanupTheCleanupRunsAgainOnTheOperatorsWord() async throws {
        // The steady command's intent is journaled, and it never reached the host.
        let scene = try await killed(after: "intent steady@meta1", of: try await wholeRun(), level: "lively", armed: true)
        defer { scene.remove() }
        let (report, _) = try await resume(scene, assumeDone: false)
        expectSafe(scene, report, livelySent: 0)
        #expect(!scene.transport.commands(receivedBy: "meta1").contains("rebalance"), "finished before the kill")
        #expect(report.deadmen.map(\.status) == [.disarmed])
    }

    @Test func aResumedRunThatFailsStillRunsThePendingCleanupAndNamesTheFailure() async throws {
        let scene = try await killed(after: "outcome lively@meta1", of: try await wholeRun(), level: "lively", armed: true)
        defer { scene.remove() }
        scene.transport.on(.equals("rebalance"), host: "meta1", reply: .exit(2, stderr: "balancer: table t1 unhealthy\n"))
        let (report, _) = try await resume(scene)
        #expect(report.status == .failed)
        #expect(report.reason == "step 'rebalance' failed: failed on 1 host: meta1 (exited 2)", "\(report.reason ?? "")")
        #expect(report.steps[1].hosts.first?.reason == "exited 2: balancer: table t1 unhealthy")
        #expect(report.cleanup.map(\.status) == [.ok])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
        #expect(report.deadmen.map(\.status) == [.disarmed])
        #expect(scene.transport.deadmanTimers(on: "meta1") == 0)
    }

    @Test func aResumedRunWhoseChangeFailsAgainStillEndsSteadyAndSaysWhy() async throws {
        let scene = try await killed(after: "intent lively@meta1", of: try await wholeRun(), level: "steady", armed: false)
        defer { scene.remove() }
        scene.transport.on(.equals("set_meta_level lively"), host: "meta1", reply: .exit(1, stderr: "meta server busy\n"))
        let (report, _) = try await resume(scene)
        #expect(report.status == .failed)
        #expect(report.reason == "step 'lively' failed: failed on 1 host: meta1 (exited 1)", "\(report.reason ?? "")")
        #expect(report.steps[0].hosts.first?.reason == "exited 1: meta server busy")
        #expect(report.cleanup.map(\.status) == [.ok])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
        #expect(scene.transport.deadmanTimers(on: "meta1") == 0)
    }

    @Test func aResumeKilledAtEachPointResumesAgainToSteady() async throws {
        // The first resume, after the change took effect, runs to its end: its events follow the first run's.
        let first = try await killed(after: "outcome lively@meta1", of: try await wholeRun(), level: "lively", armed: true)
        defer { first.remove() }
        let (resumed, _) = try await resume(first)
        #expect(resumed.status == .succeeded)
        let events = try await first.events()
        // Killed in turn: before its rebalance left, during its cleanup, before its cleanup was journaled finished.
        let points: [(point: String, level: String, assumeDone: Bool?)] = [
            ("intent rebalance@meta1", "lively", false),
            ("intent steady@meta1", "lively", false),
            ("outcome steady@meta1", "steady", nil),
        ]
        for (point, level, assumeDone) in points {
            let again = try await killed(after: point, of: events, level: level, armed: true)
            defer { again.remove() }
            let (report, _) = try await resume(again, assumeDone: assumeDone)
            #expect(report.status == .succeeded, "\(point): \(report.reason ?? "")")
            #expect(again.transport.variable("level", on: "meta1") == "steady", "\(point)")
            #expect(again.transport.deadmanTimers(on: "meta1") == 0, "\(point): \(again.transport.deadmen(on: "meta1"))")
            #expect(!again.transport.commands(receivedBy: "meta1").contains("set_meta_level lively"), "\(point)")
        }
    }
}
