import Foundation
import Testing
@testable import WardenCore

/// Issue 13, item 2: the plan, the run and the `--step` preview decide each
/// step alike (`when`, the probes each part reads, the rendered commands,
/// batches, guards), so what a plan or a preview shows is what runs. Each
/// test here failed before they shared one decision.
@Suite("One step decision")
struct StepDecisionTests {
    /// Batches as a report shows them: only when `serial` made more than one.
    private func shown(_ batches: [[String]]?) -> [[String]] {
        guard let batches, batches.count > 1 else { return [] }
        return batches
    }

    @Test func aGuardBlocksTheRunWithTheReasonThePlanGave() async throws {
        let scene = try EngineScene("""
            name: guarded
            params:
              dir: {type: string, required: true}
            targets:
              one: {hosts: h1, exactly: 1}
            probes:
              health: {on: one, run: "echo not json", parse: json}
            guards:
              - probe: health
                expect: result.healthy
                message: the cluster must be healthy
            steps:
              - id: change
                on: one
                run: "touch {{ params.dir }}/changed"
            """, targets: ["one": ["h1"]])
        defer { scene.remove() }
        let plan = await scene.plan()
        let report = await scene.run()
        #expect(plan.verdict == .blocked)
        #expect(report.status == .blocked)
        let reason = try #require(plan.verdictReason)
        #expect(reason.hasPrefix("guard at rb.yaml:"), "\(reason)")
        #expect(reason.contains(" cannot be checked (the cluster must be healthy): result.healthy; h1: "), "\(reason)")
        #expect(report.reason == "step 'change' not started: \(reason)")
        #expect(scene.read("changed") == nil)
    }
}
