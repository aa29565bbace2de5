import Foundation
import Testing
@testable import WardenCore

/// A runbook (or an included one) that changes nothing has its guards
/// checked before its first step on hosts: a health gate blocks the plan
/// and the run without a no-op change, and an includer's own guards still
/// protect its own changes.
@Suite("Guards of a runbook that changes nothing")
struct ReadOnlyGuardTests {
    static let gate = """
        name: gate
        params:
          dir: {type: string}
        targets:
          all: {hosts: "*"}
        probes:
          health: {on: all, run: "cat {{ params.dir }}/health"}
        guards:
          - probe: health
            expect: stdout == "ok\\n"
            message: the cluster is not healthy
        steps:
          - id: figures
            on: all
            check: "echo figures > {{ params.dir }}/figures-seen"
        """

    @Test func aReadOnlyRunbooksGuardsBlockItsPlanAndRunBeforeItsFirstStep() async throws {
        let scene = try ShellScene(Self.gate, targets: ["all": ["h1"]])
        defer { scene.remove() }
        try scene.write("health", "bad\n")
        let plan = await scene.plan()
        #expect(plan.verdict == .blocked, "\(plan.verdictReason ?? "")")
        #expect(plan.verdictReason?.contains("the cluster is not healthy") == true, "\(plan.verdictReason ?? "")")
        #expect(plan.guards.map(\.status) == [.fails])
        #expect(plan.steps.first?.status == .notReached)
        let run = await scene.run()
        #expect(run.status == .blocked, "\(run.reason ?? "")")
        #expect(scene.read("figures-seen") == nil, "the first step ran past a failing guard")

        try scene.write("health", "ok\n")
        #expect(await scene.plan().verdict == .proceeds)
        let passed = await scene.run()
        #expect(passed.status == .succeeded, "\(passed.reason ?? "")")
        #expect(scene.read("figures-seen") == "figures\n")
    }

    @Test func anIncludedGateStopsTheIncluderFirstAndTheIncludersGuardsProtectItsChanges() async throws {
        let scene = try ShellScene("""
            name: change
            params:
              dir: {type: string}
            targets:
              all: {hosts: "*"}
            probes:
              ready: {on: all, run: "cat {{ params.dir }}/ready"}
            guards:
              - probe: ready
                expect: stdout == "yes\\n"
                message: not ready for the change
            steps:
              - id: health
                include: gate.yaml
                params: {dir: "{{ params.dir }}"}
              - id: change
                on: all
                run: "touch {{ params.dir }}/changed"
                unguarded: only a scratch file
            """, targets: ["all": ["h1"], "health.all": ["h1"]], files: ["gate.yaml": Self.gate])
        defer { scene.remove() }
        try scene.write("health", "ok\n")
        try scene.write("ready", "no\n")
        // Both sets are evaluated, each where it is first checked, and the plan lists both.
        let plan = await scene.plan()
        #expect(plan.guards.count == 2, "\(plan.guards.map(\.expect))")
        #expect(plan.verdict == .blocked && plan.verdictReason?.contains("not ready for the change") == true, "\(plan.verdictReason ?? "")")
        #expect(plan.steps.map(\.status) == [.passed, .notReached], "\(plan.steps.map(\.status))")

        try scene.write("health", "bad\n")
        try FileManager.default.removeItem(atPath: scene.folder + "/figures-seen") // the plan ran the check for real
        let run = await scene.run()
        #expect(run.status == .blocked && run.reason?.contains("the cluster is not healthy") == true, "\(run.reason ?? "")")
        #expect(scene.read("figures-seen") == nil && scene.read("changed") == nil)
    }
}
