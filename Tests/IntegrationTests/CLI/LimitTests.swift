import Foundation
import Testing
import WardenCore
import WardenTesting

/// `--limit PATTERN` narrows a run to some of its runbook's hosts, never
/// more; the plan, its hash and the journal carry it, and a resume keeps it.
@Suite("--limit")
struct LimitTests {
    private func runbook(in fleet: LoopbackFleet, log: String, gate: Bool = false) throws -> String {
        try write("""
            name: limited
            params:
              seconds: {type: int, default: 0}
            targets:
              fleet: {hosts: all, at_least: 3}
            steps:
            \(gate ? "  - id: go\n    approve: {quorum: 1, timeout: 60s}\n" : "")\
              - id: first
                on: fleet
                run: "echo first-{{ host.name }} >> \(log)"
              - id: slow
                on: fleet
                run: "sleep {{ params.seconds }}"
              - id: after
                on: fleet
                run: "echo after-{{ host.name }} >> \(log)"
            """, in: fleet, name: gate ? "gated.yaml" : "limited.yaml")
    }

    @Test func aLimitNarrowsTheTargetsAndIsPartOfThePlanAndItsHash() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let log = fleet.directory.appendingPathComponent("changed.log").path
            let file = try runbook(in: fleet, log: log)
            let state = fleet.directory.appendingPathComponent("state").path
            let base = [file, "-i", fleet.inventoryPath, "--state", state]

            let whole = try await warden(["plan"] + base + ["--output", "json"])
            #expect(whole.status == 0, "\(whole.stdout)\(whole.stderr)")
            let limited = try await warden(["plan"] + base + ["--limit", "h0*:!h01", "--output", "json"])
            #expect(limited.status == 0, "\(limited.stdout)\(limited.stderr)")
            let wholePlan = try JSONDecoder().decode(Plan.self, from: Data(whole.stdout.utf8))
            let limitedPlan = try JSONDecoder().decode(Plan.self, from: Data(limited.stdout.utf8))
            #expect(limitedPlan.limit == "h0*:!h01" && wholePlan.limit == nil)
            #expect(limitedPlan.targets.first?.hosts == ["h02", "h03"])
            #expect(limitedPlan.hash != wholePlan.hash)

            let run = try await warden(["run"] + base + ["--limit", "h0*:!h01", "--yes", "--output", "json"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            // The hosts of a step append at once: their order within it is not fixed.
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.sorted() == ["after-h02", "after-h03", "first-h02", "first-h03"], "\(lines)")
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("first-"))
            let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))
            let journal = try await Journal.open(directory: state)
            let journaled = try #require(try await journal.run(report.runID)?.plan)
            #expect(try JSONDecoder().decode(Plan.self, from: Data(journaled.utf8)).limit == "h0*:!h01")
        }
    }

    @Test func aLimitThatSelectsNothingOrEmptiesATargetIsRefusedNamingThePattern() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let log = fleet.directory.appendingPathComponent("changed.log").path
            let file = try runbook(in: fleet, log: log)
            let nothing = try await warden(["run", file, "-i", fleet.inventoryPath, "--limit", "nosuch", "--yes"])
            #expect(nothing.status == 2, "\(nothing.stdout)\(nothing.stderr)")
            #expect(nothing.stderr.contains("--limit 'nosuch'"), "\(nothing.stderr)")

            // A limit never widens: a host outside a target leaves it empty, and that is refused.
            let other = try write("""
                name: one
                targets:
                  first: {hosts: h01}
                steps:
                  - id: change
                    on: first
                    run: "echo changed >> \(log)"
                """, in: fleet, name: "one.yaml")
            let outside = try await warden(["plan", other, "-i", fleet.inventoryPath, "--limit", "h02"])
            #expect(outside.status == 2, "\(outside.stdout)\(outside.stderr)")
            #expect(outside.stderr.contains("--limit 'h02' selects none of the hosts of target 'first' (h01)"), "\(outside.stderr)")
            #expect(!FileManager.default.fileExists(atPath: log))
        }
    }

    @Test func aResumeKeepsTheJournaledLimitAndAGatedRunRefusesAnother() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let log = fleet.directory.appendingPathComponent("changed.log").path
            let state = fleet.directory.appendingPathComponent("state").path
            let file = try runbook(in: fleet, log: log)
            let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes",
                                                         "--limit", "h02", "-p", "seconds=30"])
            let killed = try await awaitRun(in: state, "the slow step's intent") { _, events in
                events.contains { $0.step == "slow" && $0.kind == .intent }
            }
            try await background.crash()
            let resumed = try await warden(["resume", killed.id, "-i", fleet.inventoryPath, "--state", state, "--yes", "--assume", "done"])
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            #expect(try String(contentsOfFile: log, encoding: .utf8) == "first-h02\nafter-h02\n")

            // A gated run: its approvers saw the hosts of its limit, and no others.
            let gated = try runbook(in: fleet, log: log, gate: true)
            let waiting = try BackgroundWarden.start(["run", gated, "-i", fleet.inventoryPath, "--state", state, "--yes", "--limit", "h02"])
            let gatedRun = try await awaitRun(in: state, "the gated run") { run, _ in run.id != killed.id }
            try await waiting.crash()
            let widened = try await warden(["resume", gatedRun.id, "-i", fleet.inventoryPath, "--state", state, "--yes", "--limit", "all"])
            #expect(widened.status == 2, "\(widened.stdout)\(widened.stderr)")
            #expect(widened.stderr.contains("was started with --limit 'h02'"), "\(widened.stderr)")
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("first-"))
        }
    }
}
