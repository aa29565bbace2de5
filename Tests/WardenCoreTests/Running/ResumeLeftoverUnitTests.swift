import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// A command the dead controller started and that still runs on its host
/// (its process group, journaled as it started, is alive): the resume waits
/// for it on the run's clock, up to its step's timeout, or kills it, before
/// verify or any step runs there.
@Suite("Resume and the dead controller's leftovers (in memory)")
struct ResumeLeftoverUnitTests {
    static let runbook = """
        name: migrate
        targets:
          admin: {hosts: meta1, exactly: 1}
        steps:
          - id: change
            on: admin
            run: migrate
            timeout: 1m
            unguarded: the test cluster
            verify: {run: migrated, expect: exit == 0}
          - id: next
            on: admin
            run: next
            unguarded: the test cluster
        """

    private func scene() async throws -> EngineScene {
        let scene = try await EngineScene.make(Self.runbook, hosts: ["admin": ["meta1"]])
        scene.transport.on(.equals("migrate"), host: "meta1") { _, state in
            state.variables["migrated"] = "yes"
            return .success()
        }
        scene.transport.on(.equals("migrated"), host: "meta1") { _, state in .exit(state.variables["migrated"] == nil ? 1 : 0) }
        scene.transport.on(.equals("next"), host: "meta1", reply: .success())
        return scene
    }

    /// The journal of a run killed while `migrate` ran on meta1 (its intent and its process group
    /// journaled, no outcome), and that process group, still running there.
    private func killedWhileMigrating() async throws -> (EngineScene, Int32) {
        let first = try await scene()
        defer { first.remove() }
        _ = await first.run()
        let scene = try await scene()
        try await scene.journal(of: try await first.events(), through: "intent change@meta1")
        let group: Int32 = 4242
        let step = try #require(scene.context.runbook.steps.first { $0.id == "change" })
        let recorder = scene.recorder
        recorder.processGroup(step, host: "meta1", RemoteProcessGroup(id: group, startTime: "9000"))
        try await recorder.flush()
        scene.transport.keepRunning(processGroup: group, on: "meta1")
        return (scene, group)
    }

    @Test func commandsReportTheirProcessGroupWhichLivesWhileTheyRun() async throws {
        let scene = try await scene()
        defer { scene.remove() }
        scene.transport.on(.equals("migrate"), host: "meta1", reply: .hang())
        let run = scene.start()
        try await scene.transport.waitUntil("migrate runs") { $0.runningCount(on: "meta1") == 1 }
        let live = scene.transport.processGroups(on: "meta1")
        #expect(live.count == 1)
        scene.clock.advance(by: .seconds(60))
        _ = try await outcome(of: run)
        #expect(scene.transport.processGroups(on: "meta1").isEmpty, "ended with its command")
        // The run journaled it as it started (an append it does not wait for: it is there by the run's end or soon after).
        var journaled: [Int32] = []
        for _ in 0..<200 where journaled.isEmpty {
            journaled = try await scene.events().filter { $0.kind == .processGroup }.compactMap { event in
                (event.detail.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["pgid"] as? NSNumber)?.int32Value
            }
            if journaled.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(journaled == Array(live))
    }

    @Test func killingTheLeftoverComesBeforeVerifyAndTheChangeRunsAgain() async throws {
        let (scene, group) = try await killedWhileMigrating()
        defer { scene.remove() }
        var state = ResumeState.rebuild(from: try await scene.events(), context: scene.context)
        #expect(state.unknowns.map(\.processGroup?.id) == [group])
        var said: [String] = []
        let lines = try await state.settleLeftovers(policy: .kill, context: scene.context, transport: scene.transport) { said.append($0) }
        #expect(said == ["meta1: step 'change' left its command running (process group \(group): $ migrate); killing its process group (--leftovers kill)"])
        #expect(lines == ["meta1: step 'change' left its command running (process group \(group): $ migrate); killed"])
        #expect(!scene.transport.isRunning(processGroup: group, on: "meta1"))
        // It never finished on this host: verify sends it again, and the run goes on.
        #expect(await state.verifyUnknowns(context: scene.context, transport: scene.transport)
                == ["change@meta1: verify says it did not take effect; it runs again"])
        let report = await scene.run(resume: state)
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        let sent = scene.transport.commands(receivedBy: "meta1").filter { !$0.hasPrefix("kill ") && !$0.hasPrefix("[ ") }
        #expect(sent == ["migrated", "migrate", "next"])
    }

    @Test func waitingForTheLeftoverPollsOnTheClockUntilItEnds() async throws {
        let (scene, group) = try await killedWhileMigrating()
        defer { scene.remove() }
        let state = ResumeState.rebuild(from: try await scene.events(), context: scene.context)
        let settling = Task { try await state.settleLeftovers(policy: .wait, context: scene.context, transport: scene.transport) { _ in } }
        // Asked once a second, by the clock.
        for _ in 0..<3 {
            try await scene.clock.waitUntilAsleep(1)
            scene.clock.advance(by: .seconds(1))
        }
        try await scene.clock.waitUntilAsleep(1)
        // It ends by itself (having made its change), seen at the next check.
        scene.transport.endProcessGroup(group, on: "meta1")
        scene.transport.set("migrated", to: "yes", on: "meta1")
        scene.clock.advance(by: .seconds(1))
        let lines = try await settling.value
        #expect(lines == ["meta1: step 'change' left its command running (process group \(group): $ migrate); waited until it ended"])
        #expect(scene.clock.elapsed == .seconds(4))
        let (report, verified) = try await scene.resume()
        #expect(verified == ["change@meta1: verify says it took effect; not run again"])
        #expect(report.status == .succeeded)
        #expect(!scene.transport.commands(receivedBy: "meta1").contains("migrate"))
    }

    @Test func aLeftoverStillRunningAfterItsStepsTimeoutStopsTheResume() async throws {
        let (scene, group) = try await killedWhileMigrating()
        defer { scene.remove() }
        let state = ResumeState.rebuild(from: try await scene.events(), context: scene.context)
        let settling = Task { () -> LeftoverError? in
            do throws(LeftoverError) {
                _ = try await state.settleLeftovers(policy: .wait, context: scene.context, transport: scene.transport) { _ in }
                return nil
            } catch {
                return error
            }
        }
        for _ in 0..<60 {
            try await scene.clock.waitUntilAsleep(1)
            scene.clock.advance(by: .seconds(1))
        }
        let refusal = try await finished(settling)
        #expect(refusal?.kind == .stillRunning)
        #expect(refusal?.description == "meta1: step 'change' left its command running (process group \(group): $ migrate): still running after the step's timeout; "
                + "nothing was resumed: let it end, or resume with --leftovers kill")
        #expect(scene.transport.isRunning(processGroup: group, on: "meta1"))
        #expect(!scene.transport.commands(receivedBy: "meta1").contains("migrated"), "verify did not run beside it")
    }
}
