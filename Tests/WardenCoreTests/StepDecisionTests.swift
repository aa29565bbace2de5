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

    @Test func aShareOfHostsIsBatchedInTheRunAsInItsPlanWithSkippedAndFailedHosts() async throws {
        // `look` acts on h1-h3 (`when` leaves h4 out) and fails on h2; `touch` acts on the hosts where `look` passed.
        let scene = try ShellScene("""
            name: batches
            params:
              dir: {type: string, required: true}
            targets:
              fleet: {hosts: "h*"}
            steps:
              - id: look
                on: fleet
                check: "test {{ host.name }} != h2"
                when: host.name != "h4"
                serial: 50%
                max_fail: 1
                on_error: continue
              - id: touch
                on: fleet
                run: "touch {{ params.dir }}/{{ host.name }}"
                when: steps.look.hosts[host.name].status == "ok"
                serial: 50%
                unguarded: a test
            """, targets: ["fleet": ["h1", "h2", "h3", "h4"]])
        defer { scene.remove() }
        let plan = await scene.plan()
        let report = await scene.run()
        // 50 % of the 3 hosts `look` acts on is 1 a batch; of the 2 `touch` acts on, 1 too.
        #expect(shown(plan.steps[0].batches) == [["h1"], ["h2"], ["h3"]])
        #expect(shown(report.steps[0].batches) == [["h1"], ["h2"], ["h3"]])
        #expect(shown(plan.steps[1].batches) == [["h1"], ["h3"]])
        #expect(shown(report.steps[1].batches) == [["h1"], ["h3"]])
        #expect(scene.read("h1") != nil && scene.read("h3") != nil && scene.read("h2") == nil && scene.read("h4") == nil)
    }

    @Test func aResumedRunGoesOnInTheBatchesOfItsPlan() async throws {
        let scene = try ShellScene("""
            name: resumed
            params:
              dir: {type: string, required: true}
            targets:
              fleet: {hosts: "h*"}
            steps:
              - id: touch
                on: fleet
                run: "touch {{ params.dir }}/{{ host.name }}"
                serial: 50%
                unguarded: a test
            """, targets: ["fleet": ["h1", "h2", "h3", "h4"]])
        defer { scene.remove() }
        let plan = await scene.plan()
        #expect(plan.steps.first?.batches == [["h1", "h2"], ["h3", "h4"]])
        // The controller died in the first batch: h1's outcome is journaled, h2's intent only.
        let step = try scene.step("touch")
        let resume = try await scene.crashed { recorder in
            recorder.stepStarted(step)
            try await recorder.intents(step, [("h1", "touch \(scene.folder)/h1"), ("h2", "touch \(scene.folder)/h2")])
            recorder.outcome(step, report: HostReport(host: "h1", status: .ok, command: "touch \(scene.folder)/h1", exit: 0,
                                                                attempts: 1, reason: nil),
                                       record: HostRecord(stdout: "", stderr: "", exit: 0, result: .null))
        }
        let report = await scene.run(resume: resume)
        // The plan's batches less the host done before: not new batches of 50 % of the three left.
        #expect(report.steps.first?.batches == [["h2"], ["h3", "h4"]])
        #expect(report.steps.first?.status == .ok, "\(report.steps.first?.summary ?? "")")
    }

    @Test func thePlanShowsNoBatchesOfHostsItsWhenCannotChooseYet() async throws {
        let scene = try ShellScene("""
            name: unknown
            params:
              dir: {type: string, required: true}
            targets:
              fleet: {hosts: "h*"}
            steps:
              - id: mark
                on: fleet
                run: "touch {{ params.dir }}/{{ host.name }}"
                when: host.name != "h4"
                unguarded: a test
              - id: follow
                on: fleet
                run: "echo {{ host.name }}"
                when: steps.mark.hosts[host.name].status == "ok"
                serial: 50%
                unguarded: a test
            """, targets: ["fleet": ["h1", "h2", "h3", "h4"]])
        defer { scene.remove() }
        let plan = await scene.plan()
        let report = await scene.run()
        // Which hosts `follow` acts on is known only once `mark` ran: the plan does not guess 2 of 4.
        #expect(plan.steps[1].hosts.map(\.status) == [.unknown, .unknown, .unknown, .unknown])
        #expect(plan.steps[1].batches == nil)
        #expect(report.steps[1].batches == [["h1"], ["h2"], ["h3"]])
    }

    @Test func aReadWaitingOnAnEarlierStepIsUnknownInThePlanNotPassed() async throws {
        let scene = try ShellScene("""
            name: read
            params:
              dir: {type: string, required: true}
            targets:
              one: {hosts: h1, exactly: 1}
            probes:
              level: {on: one, run: "echo steady"}
            steps:
              - id: settle
                wait: {probe: level, until: stdout == "steady\\n", every: 1s, timeout: 5s}
              - id: look
                on: one
                check: "test {{ steps.settle.exit }} = 0"
            """, targets: ["one": ["h1"]])
        defer { scene.remove() }
        let plan = await scene.plan()
        // Its command is known only once the wait has polled: the plan ran nothing, so it cannot say it passed.
        #expect(plan.steps[1].status == .unknown, "\(plan.steps[1].summary)")
        #expect(plan.steps[1].hosts.map(\.status) == [.unknown])
        let report = await scene.run()
        #expect(report.steps.map(\.status) == [.ok, .ok])
    }

    @Test func aVerifyReadingAProbeSettlesAnUnknownChange() async throws {
        let scene = try ShellScene("""
            name: verify
            params:
              dir: {type: string, required: true}
            targets:
              one: {hosts: h1, exactly: 1}
            probes:
              wanted: {on: one, run: "cat {{ params.dir }}/wanted"}
            steps:
              - id: set
                on: one
                run: "cat {{ params.dir }}/wanted > {{ params.dir }}/level"
                verify: {run: "cat {{ params.dir }}/level", expect: stdout == probes.wanted.stdout}
                unguarded: a test
            """, targets: ["one": ["h1"]])
        defer { scene.remove() }
        try scene.write("wanted", "lively")
        try scene.write("level", "lively")
        let step = try scene.step("set")
        var resume = try await scene.crashed { recorder in
            recorder.stepStarted(step)
            try await recorder.intents(step, [("h1", "cat \(scene.folder)/wanted > \(scene.folder)/level")])
        }
        #expect(resume.unknowns.map(\.host) == ["h1"])
        let lines = await resume.verifyUnknowns(context: scene.context, transport: scene.transport)
        #expect(lines == ["set@h1: verify says it took effect; not run again"])
        #expect(resume.unknowns.isEmpty)
    }

    @Test func eachGuardWithAnInlineProbeIsCheckedOnItsOwnSample() async throws {
        let scene = try ShellScene("""
            name: inline
            params:
              dir: {type: string, required: true}
            targets:
              one: {hosts: h1, exactly: 1}
            guards:
              - probe: {on: one, run: "echo ok"}
                expect: stdout == "ok\\n"
              - probe: {on: one, run: "echo sick"}
                expect: stdout == "ok\\n"
                message: the second
            steps:
              - id: change
                on: one
                run: "touch {{ params.dir }}/changed"
            """, targets: ["one": ["h1"]])
        defer { scene.remove() }
        let plan = await scene.plan()
        let report = await scene.run()
        #expect(plan.verdict == .blocked)
        #expect(report.status == .blocked, "\(report.reason ?? "")")
        #expect(report.reason?.contains("fails (the second)") == true, "\(report.reason ?? "")")
        #expect(scene.read("changed") == nil)
    }

    @Test func anUndoReadingAProbeRollsBackToWhatTheProbeReadBeforeTheChange() async throws {
        let scene = try ShellScene("""
            name: undo
            params:
              dir: {type: string, required: true}
            targets:
              one: {hosts: h1, exactly: 1}
            probes:
              level: {on: one, run: "cat {{ params.dir }}/level"}
            steps:
              - id: raise
                on: one
                run: "printf %s lively > {{ params.dir }}/level"
                undo: "printf %s {{ probes.level.stdout }} > {{ params.dir }}/level"
                unguarded: a test
              - id: fail
                on: one
                run: "false"
                on_error: rollback
                unguarded: a test
            """, targets: ["one": ["h1"]])
        defer { scene.remove() }
        try scene.write("level", "steady")
        let report = await scene.run()
        #expect(report.status == .failed)
        #expect(report.rollback.map(\.id) == ["raise"])
        #expect(report.rollback.first?.status == .ok, "\(report.rollback.first?.hosts.first?.reason ?? "")")
        #expect(report.rollback.first?.hosts.first?.command == "printf %s steady > \(scene.folder)/level")
        // The probe as the step saw it before its change, not as it reads after.
        #expect(scene.read("level") == "steady")
    }

    @Test func anUndoReadingItsOwnStepIsRenderedAtRollbackNotRefusedByThePlan() async throws {
        let scene = try ShellScene("""
            name: undo_self
            params:
              dir: {type: string, required: true}
            targets:
              one: {hosts: h1, exactly: 1}
            steps:
              - id: raise
                on: one
                run: "cat {{ params.dir }}/level; printf %s lively > {{ params.dir }}/level"
                undo: "printf %s {{ steps.raise.stdout }} > {{ params.dir }}/level"
                unguarded: a test
              - id: fail
                on: one
                run: "false"
                on_error: rollback
                unguarded: a test
            """, targets: ["one": ["h1"]])
        defer { scene.remove() }
        try scene.write("level", "steady")
        let plan = await scene.plan()
        // Its undo needs the step's own output, which exists only once it ran.
        #expect(plan.verdict == .proceeds, "\(plan.verdictReason ?? "")")
        #expect(plan.steps.first?.hosts.first?.status == .willRun)
        #expect(plan.steps.first?.hosts.first?.undo == nil)
        let report = await scene.run()
        #expect(report.rollback.first?.status == .ok, "\(report.rollback.first?.hosts.first?.reason ?? "")")
        #expect(scene.read("level") == "steady")
    }

    @Test func aDeadmanReadingAProbeArmsTheRevertRenderedFromIt() async throws {
        let scene = try ShellScene("""
            name: deadman
            params:
              dir: {type: string, required: true}
            targets:
              one: {hosts: h1, exactly: 1}
            probes:
              level: {on: one, run: "cat {{ params.dir }}/level"}
            steps:
              - id: raise
                on: one
                run: "printf %s lively > {{ params.dir }}/level"
                deadman: {after: 1h, run: "printf %s {{ probes.level.stdout }} > {{ params.dir }}/level"}
                unguarded: a test
            """, targets: ["one": ["h1"]])
        defer { scene.remove() }
        try scene.write("level", "steady")
        let plan = await scene.plan()
        #expect(plan.steps.first?.hosts.first?.deadman == "printf %s steady > \(scene.folder)/level")
        let report = await scene.run()
        #expect(report.steps.first?.status == .ok, "\(report.steps.first?.summary ?? "")")
        #expect(report.deadmen.map(\.status) == [.disarmed])
        // The timer was handed the revert rendered from the probe's sample before the change.
        let armed = try String(contentsOfFile: scene.folder + "/state/deadman/engine.raise/command", encoding: .utf8)
        #expect(armed == "printf %s steady > \(scene.folder)/level\n")
        #expect(scene.read("level") == "lively")
    }

    @Test func theStepPreviewShowsWhatRunsWithItsProbesAndCollectPaths() async throws {
        let scene = try ShellScene("""
            name: preview
            params:
              dir: {type: string, required: true}
            targets:
              fleet: {hosts: "h*"}
            probes:
              level: {on: fleet, run: "cat {{ params.dir }}/{{ host.name }}"}
            steps:
              - id: lower
                on: fleet
                when: probes.level.hosts[host.name].stdout == "lively"
                run: "echo {{ probes.level.hosts[host.name].stdout }} on {{ host.name }} > {{ params.dir }}/lowered"
                unguarded: a test
              - id: fetch
                on: fleet
                collect: ["{{ params.dir }}/{{ host.name }}", "/var/log/{{ host.name }}.log"]
            """, targets: ["fleet": ["h1", "h2"]])
        defer { scene.remove() }
        try scene.write("h1", "steady")
        try scene.write("h2", "lively")
        let log = PreviewLog(answer: .run)
        // Only `lower` is run: the shell transport fetches nothing.
        let report = await scene.run(confirm: { preview in
            if preview.id == "fetch" { return .skip }
            return await log.ask(preview)
        })
        let lower = try #require(await log.preview(of: "lower"))
        #expect(lower.commands.map(\.host) == ["h2"])
        #expect(lower.commands.map(\.command) == ["echo lively on h2 > \(scene.folder)/lowered"])
        #expect(lower.notes == ["h1: skipped (when probes.level.hosts[host.name].stdout == \"lively\" is false)"])
        // What ran is what was shown.
        #expect(report.steps.first?.hosts.filter { $0.status == .ok }.map(\.command) == ["echo lively on h2 > \(scene.folder)/lowered"])
        #expect(scene.read("lowered") == "lively on h2\n")

        let skipping = PreviewLog(answer: .skip)
        _ = await scene.run(confirm: { preview in await skipping.ask(preview) })
        let fetch = try #require(await skipping.preview(of: "fetch"))
        #expect(fetch.commands.map(\.host) == ["h1", "h2"])
        #expect(fetch.commands.map(\.command) == ["\(scene.folder)/h1\n/var/log/h1.log", "\(scene.folder)/h2\n/var/log/h2.log"])
    }

    @Test func aGuardBlocksTheRunWithTheReasonThePlanGave() async throws {
        let scene = try ShellScene("""
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

    @Test func anExpectReadingAProbeIsJudgedOnItInThePlanAndTheRun() async throws {
        let scene = try ShellScene("""
            name: expect
            params:
              dir: {type: string, required: true}
            targets:
              one: {hosts: h1, exactly: 1}
            probes:
              level: {on: one, run: "cat {{ params.dir }}/level"}
            steps:
              - id: same
                on: one
                check: "cat {{ params.dir }}/copy"
                expect: stdout == probes.level.stdout
            """, targets: ["one": ["h1"]])
        defer { scene.remove() }
        try scene.write("level", "steady")
        try scene.write("copy", "steady")
        let plan = await scene.plan()
        let report = await scene.run()
        #expect(plan.steps.first?.status == .passed, "\(plan.steps.first?.summary ?? "")")
        #expect(report.steps.first?.status == .ok, "\(report.steps.first?.summary ?? "")")
        try scene.write("copy", "lively")
        let differs = await scene.run()
        #expect(differs.steps.first?.status == .failed)
        #expect(differs.steps.first?.hosts.first?.reason == "expect stdout == probes.level.stdout is false")
    }

    @Test func aWaitWhoseWhenIsFalseIsSkippedInThePlanAndTheRun() async throws {
        let scene = try ShellScene("""
            name: wait
            params:
              dir: {type: string, required: true}
              settle: {type: bool, default: false}
            targets:
              one: {hosts: h1, exactly: 1}
            probes:
              never: {on: one, run: "exit 0"}
            steps:
              - id: settle
                when: params.settle
                wait: {probe: never, until: exit == 1, every: 1s, timeout: 1s}
            """, targets: ["one": ["h1"]])
        defer { scene.remove() }
        let plan = await scene.plan()
        let report = await scene.run()
        #expect(plan.steps.first?.status == .skipped, "\(plan.steps.first?.summary ?? "")")
        #expect(report.steps.first?.status == .skipped, "\(report.steps.first?.summary ?? "")")
        #expect(report.status == .succeeded)
    }
}
