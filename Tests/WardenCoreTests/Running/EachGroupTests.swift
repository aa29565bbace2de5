import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// `each:` groups: a few steps run for one host of a target, then for the
/// next, as a rolling restart needs. The group is unrolled once the targets
/// are known, so the plan shows each host's copy, the runner goes through
/// them in order, the runbook's guards are checked before every host's
/// changes, and a resume picks up at the host where the run stopped.
@Suite("Each groups: steps host by host")
struct EachGroupTests {
    static let rolling = """
        name: roll
        params:
          dir: {type: string}
          tag: {type: string, default: v2}
        targets:
          meta: {hosts: m1, exactly: 1}
          servers: {hosts: "r*"}
        probes:
          health: {on: meta, run: "cat {{ params.dir }}/health"}
        guards:
          - {probe: health, expect: stdout == "ok\\n", message: the cluster is unhealthy}
        steps:
          - id: before
            on: meta
            run: "echo before >> {{ params.dir }}/log"
          - id: roll
            each: servers
            steps:
              - id: drain
                on: meta
                run: "echo drain {{ each.host.name }} {{ each.index }}/{{ each.count }} {{ params.tag }} >> {{ params.dir }}/log"
              - id: restart
                on: each
                run: "echo restart {{ host.name }} >> {{ params.dir }}/log && test ! -e {{ params.dir }}/fail-{{ host.name }} && cp {{ params.dir }}/after-{{ host.name }} {{ params.dir }}/health 2>/dev/null; true"
              - id: alive
                on: each
                check: "test ! -e {{ params.dir }}/dead-{{ each.host.name }}"
          - id: after
            on: meta
            run: "echo after >> {{ params.dir }}/log"
        finally:
          - id: reset
            on: meta
            run: "echo reset >> {{ params.dir }}/log"
        """

    private func scene() throws -> ShellScene {
        let scene = try ShellScene(Self.rolling, targets: ["meta": ["m1"], "servers": ["r1", "r2", "r3"]])
        try scene.write("health", "ok\n")
        return scene
    }

    private func log(_ scene: ShellScene) -> [String] {
        (scene.read("log") ?? "").split(separator: "\n").map(String.init)
    }

    @Test func thePlanShowsEveryHostsCopyAndTheRunGoesThroughThemOneAfterTheOther() async throws {
        let scene = try scene()
        defer { scene.remove() }
        let plan = await scene.plan()
        #expect(plan.verdict == .proceeds, "\(plan.verdictReason ?? "")")
        #expect(plan.steps.map(\.id) == ["before"] + ["r1", "r2", "r3"].flatMap { ["roll[\($0)].drain", "roll[\($0)].restart", "roll[\($0)].alive"] } + ["after"])
        let restart = try #require(plan.steps.first { $0.id == "roll[r2].restart" })
        #expect(restart.hosts.map(\.host) == ["r2"], "on: each is the group's host alone")
        let drain = try #require(plan.steps.first { $0.id == "roll[r3].drain" })
        #expect(drain.hosts.map(\.host) == ["m1"])
        #expect(drain.hosts.first?.command?.contains("echo drain r3 3/3 v2") == true, "\(drain.hosts.first?.command ?? "")")

        let report = await scene.run()
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(log(scene) == ["before", "drain r1 1/3 v2", "restart r1", "drain r2 2/3 v2", "restart r2", "drain r3 3/3 v2", "restart r3",
                               "after", "reset"])
    }

    @Test func aHostThatDoesNotComeBackStopsTheRunBeforeTheNextHostAndCleanupRuns() async throws {
        let scene = try scene()
        defer { scene.remove() }
        try scene.write("dead-r2", "")
        let report = await scene.run()
        #expect(report.status == .failed)
        #expect(report.reason?.contains("roll[r2].alive") == true, "\(report.reason ?? "")")
        #expect(log(scene) == ["before", "drain r1 1/3 v2", "restart r1", "drain r2 2/3 v2", "restart r2", "reset"])
    }

    @Test func theRunbooksGuardsAreCheckedBeforeEachHostsChanges() async throws {
        let scene = try scene()
        defer { scene.remove() }
        // Restarting r1 leaves the cluster unhealthy: nothing more is changed, on r2 or anywhere.
        try scene.write("after-r1", "degraded\n")
        let report = await scene.run()
        #expect(report.status == .failed, "\(report.status) \(report.reason ?? "")")
        #expect(report.reason?.contains("roll[r2].drain") == true, "\(report.reason ?? "")")
        #expect(report.reason?.contains("the cluster is unhealthy") == true, "\(report.reason ?? "")")
        #expect(log(scene) == ["before", "drain r1 1/3 v2", "restart r1", "reset"])
    }

    @Test func aLimitedRunGoesThroughTheHostsLeft() async throws {
        let scene = try ShellScene(Self.rolling, targets: ["meta": ["m1"], "servers": ["r2"]])
        defer { scene.remove() }
        try scene.write("health", "ok\n")
        let report = await scene.run()
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(log(scene) == ["before", "drain r2 1/1 v2", "restart r2", "after", "reset"])
    }

    @Test func aControllerKilledAfterTheFirstHostResumesAtTheSecondAndRepeatsNothing() async throws {
        let yaml = """
            name: roll
            targets:
              meta: {hosts: m1, exactly: 1}
              servers: {hosts: "r*"}
            steps:
              - id: roll
                each: servers
                steps:
                  - {id: drain, on: meta, run: "drain {{ each.host.name }}", unguarded: the test has no cluster}
                  - {id: restart, on: each, run: restart, unguarded: the test has no cluster}
            """
        func scene() async throws -> EngineScene {
            let scene = try await EngineScene.make(yaml, hosts: ["meta": ["m1"], "servers": ["r1", "r2"]])
            scene.transport.on(.prefix("drain "), host: "m1", reply: .success())
            for host in ["r1", "r2"] { scene.transport.on(.equals("restart"), host: host, reply: .success()) }
            return scene
        }
        let whole = try await scene()
        defer { whole.remove() }
        #expect(await whole.run().status == .succeeded)
        let events = try await whole.events()

        let killed = try await scene()
        defer { killed.remove() }
        try await killed.journal(of: events, through: "step-finished roll[r1].restart")
        let (report, _) = try await killed.resume()
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(killed.transport.commands(receivedBy: "m1") == ["drain r2"])
        #expect(killed.transport.commands(receivedBy: "r1").isEmpty)
        #expect(killed.transport.commands(receivedBy: "r2") == ["restart"])
    }

    @Test(arguments: [
        ("steps:\n  - {id: x, on: meta, run: \"echo {{ each.host.name }}\"}", "'each' is only set in the steps of an each group"),
        ("steps:\n  - {id: x, on: each, run: echo}", "'on: each' is only for the steps of an each group"),
        ("steps:\n  - id: g\n    each: servers\n    steps:\n      - {id: ok, approve: {quorum: 1}}", "an each group cannot hold an approve step"),
        ("steps:\n  - id: g\n    each: servers\n    steps:\n      - id: inner\n        each: servers\n        steps: [{id: x, on: each, run: echo}]",
         "an each group cannot hold another each group"),
        ("steps:\n  - id: g\n    each: severs\n    steps: [{id: x, on: each, run: echo}]", "unknown target 'severs'"),
        ("steps:\n  - id: g\n    each: servers", "each group 'g' needs 'steps'"),
        ("steps:\n  - id: g\n    each: servers\n    steps: [{id: x, on: each, run: \"echo {{ each.hots }}\"}]", "each has no field 'hots'"),
        ("steps: []\nfinally:\n  - id: g\n    each: servers\n    steps: [{id: x, on: each, run: echo}]", "finally cannot hold an each group"),
    ])
    func mistakesInAGroupAreReportedWhereTheyAre(steps: String, message: String) throws {
        let yaml = """
            name: roll
            targets:
              meta: {hosts: m1, exactly: 1}
              servers: {hosts: "r*"}

            """ + steps
        let errors = RunbookFixtures.errors(yaml)
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
    }
}
