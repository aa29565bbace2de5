import Foundation
import Testing
@testable import WardenCore

/// `use:` takes a rules file's probes, guards and watches into a runbook:
/// its guards protect the user's own changes (and gate a runbook that
/// changes nothing), its probes are `<name>.<probe>`, and the plan says
/// which rules file each guard came from.
@Suite("Rules files taken in with use")
struct UsedRulesTests {
    static let rules = """
        rules: health
        params:
          dir: {type: string, required: true}
          wanted: {type: string, default: "ok"}
        targets:
          all: {hosts: "*"}
        probes:
          health: {on: all, run: "cat {{ params.dir }}/health"}
        guards:
          - probe: health
            expect: stdout == params.wanted + "\\n"
            message: the cluster is not healthy
        """

    static let change = """
        name: change
        params:
          dir: {type: string}
        targets:
          all: {hosts: "*"}
        use:
          - file: health.yaml
            params: {dir: "{{ params.dir }}"}
            targets: {all: all}
        guards:
          - probe: health.health
            expect: stdout != ""
            message: the health file is empty
        steps:
          - id: change
            on: all
            run: "touch {{ params.dir }}/changed"
        """

    @Test func aUsedRulesFilesGuardsProtectTheRunbooksOwnChangeAndThePlanNamesTheFile() async throws {
        let scene = try ShellScene(Self.change, targets: ["all": ["h1"]], files: ["health.yaml": Self.rules])
        defer { scene.remove() }
        try scene.write("health", "degraded\n")
        let plan = await scene.plan()
        #expect(plan.verdict == .blocked, "\(plan.verdictReason ?? "")")
        #expect(plan.verdictReason?.contains("the cluster is not healthy") == true, "\(plan.verdictReason ?? "")")
        // The rules file's guard first, then the runbook's own; each says where it came from.
        #expect(plan.guards.map(\.via) == ["use 'health'", nil])
        #expect(plan.guards.first?.location.hasSuffix("/health.yaml:10:5") == true, "\(plan.guards.map(\.location))")
        #expect(plan.guards.map(\.status) == [.fails, .holds])
        let blocked = await scene.run()
        #expect(blocked.status == .blocked, "\(blocked.reason ?? "")")
        #expect(scene.read("changed") == nil, "the change ran past a failing rule")

        try scene.write("health", "ok\n")
        #expect(await scene.plan().verdict == .proceeds)
        let run = await scene.run()
        #expect(run.status == .succeeded, "\(run.reason ?? "")")
        #expect(scene.read("changed") != nil)
    }

    @Test func aStepGuardedOnlyByAUsedRulesFileIsNotReportedUnguarded() throws {
        let runbook = try RunbookFixtures.withFolder(["health.yaml": Self.rules, "main.yaml": """
            name: change
            params:
              dir: {type: string}
            targets:
              all: {hosts: "*"}
            use:
              - {file: health.yaml, params: {dir: "{{ params.dir }}"}, targets: {all: all}}
            steps:
              - {id: change, on: all, run: "touch {{ params.dir }}/changed"}
            """]) { folder in
            let loaded = Runbook.load(path: folder + "/main.yaml")
            #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
            return try RunbookFixtures.runbook(of: loaded)
        }
        #expect(runbook.guards(protecting: 0).count == 1)
        #expect(runbook.probe(named: "health.health") != nil)
        #expect(runbook.usedRulesFiles.map(\.name) == ["health"])
        #expect(runbook.usedRulesFiles.first?.guards == 1)
    }

    @Test func aRunbookThatChangesNothingHasItsUsedRulesCheckedBeforeItsFirstStep() async throws {
        let scene = try ShellScene("""
            name: gate
            params:
              dir: {type: string}
            targets:
              all: {hosts: "*"}
            use:
              - {file: health.yaml, params: {dir: "{{ params.dir }}"}, targets: {all: all}}
            steps:
              - id: figures
                on: all
                check: "echo seen > {{ params.dir }}/figures-seen"
            """, targets: ["all": ["h1"]], files: ["health.yaml": Self.rules])
        defer { scene.remove() }
        try scene.write("health", "bad\n")
        let plan = await scene.plan()
        #expect(plan.verdict == .blocked, "\(plan.verdictReason ?? "")")
        #expect(plan.steps.first?.status == .notReached)
        let run = await scene.run()
        #expect(run.status == .blocked, "\(run.reason ?? "")")
        #expect(scene.read("figures-seen") == nil)
    }

    @Test func oneRulesFileUsedTwiceUnderTwoNamesChecksBothWithTheirOwnParameters() async throws {
        let scene = try ShellScene("""
            name: twice
            params:
              dir: {type: string}
            targets:
              all: {hosts: "*"}
            use:
              - {file: health.yaml, params: {dir: "{{ params.dir }}"}, targets: {all: all}}
              - {file: health.yaml, as: strict, params: {dir: "{{ params.dir }}", wanted: perfect}, targets: {all: all}}
            steps:
              - {id: change, on: all, run: "touch {{ params.dir }}/changed"}
            """, targets: ["all": ["h1"]], files: ["health.yaml": Self.rules])
        defer { scene.remove() }
        try scene.write("health", "ok\n")
        let plan = await scene.plan()
        #expect(plan.guards.map(\.via) == ["use 'health'", "use 'strict'"])
        #expect(plan.guards.map(\.status) == [.holds, .fails])
        #expect(plan.verdict == .blocked)
    }

    @Test func mistakesInUsingARulesFileAreReportedWhereTheyAre() throws {
        let found = try RunbookFixtures.withFolder([
            "health.yaml": Self.rules,
            "book.yaml": "name: book\nsteps:\n  - {id: a, pause: 1s}\n",
            "stepped.yaml": "rules: stepped\nsteps: []\n",
            "loop.yaml": "rules: loop\nuse: [loop.yaml]\n",
            "main.yaml": """
                name: main
                params:
                  dir: {type: string}
                targets:
                  all: {hosts: "*"}
                use:
                  - health.yaml
                  - {file: book.yaml}
                  - {file: stepped.yaml}
                  - {file: loop.yaml}
                  - {file: health.yaml, as: gate, params: {dir: "{{ params.dir }}"}, targets: {all: all}}
                  - {file: health.yaml, as: gate, params: {dir: x}}
                guards:
                  - {probe: gate.nope, expect: "true"}
                steps:
                  - {id: sub, include: health.yaml}
                  - {id: gate, include: book.yaml}
                """,
        ]) { folder in
            Runbook.load(path: folder + "/main.yaml").errors.map { error in
                let file = error.problem.location.map { ($0.file as NSString).lastPathComponent } ?? "-"
                return "\(file):\(error.problem.location.map { "\($0.line):\($0.column)" } ?? "-"): \(error.problem.message)"
            }
        }
        let expected = [
            "main.yaml:7:5: the rules file requires parameter 'dir'",
            "book.yaml:1:1: 'book.yaml' is a runbook, not a rules file; use 'book' takes a file that starts with 'rules: NAME'",
            "stepped.yaml:2:1: unknown key 'steps' at the top level of a rules file",
            "loop.yaml:2:7: using 'loop.yaml' here would make it part of itself",
            "main.yaml:12:29: two rules files are used as 'gate' (the first at line 11, column 29)",
            "main.yaml:14:13: unknown probe 'gate.nope' in a guard",
            "health.yaml:1:1: 'health.yaml' is a rules file (it has no steps to run in place); use it at the top of the runbook",
            "main.yaml:17:25: include 'gate' and use 'gate' give the same name 'gate' to what they bring in",
        ]
        for message in expected {
            #expect(found.contains(message), "missing: \(message)\nfound:\n\(found.joined(separator: "\n"))")
        }
    }

    @Test func aRulesFileValidatesByItselfAndIsNothingToRun() throws {
        let runbook = try RunbookFixtures.load(Self.rules)
        #expect(runbook.isRules)
        #expect(runbook.name == "health")
        #expect(runbook.steps.isEmpty)
        #expect(runbook.ownGuards.count == 1)
        let refusal = try RunbookFixtures.withFolder(["health.yaml": Self.rules]) { folder -> String? in
            do {
                _ = try RunInputs(runbook: folder + "/health.yaml", inventory: folder + "/none.yaml").load()
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal?.contains("a rules file ('rules: health') has nothing to run") == true, "\(refusal ?? "it loaded")")
    }
}
