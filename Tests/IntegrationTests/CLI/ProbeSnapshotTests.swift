import Foundation
import Testing
import WardenCore
import WardenTesting

/// Issue 14, item 5: a step's probes are taken when the step starts (after
/// the changes before it); `probes.<name>.before` is the sample from before
/// the run's first change; and a step's record has an entry, with a status,
/// for every host it decided on, also those it skipped.
@Suite("Probe samples and skipped hosts")
struct ProbeSnapshotTests {
    @Test func beforeIsTheSampleFromBeforeTheFirstChangeWhileAPlainReadIsTakenAgain() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let stateFile = fleet.directory.appendingPathComponent("level").path
            let log = fleet.directory.appendingPathComponent("changed.log").path
            try "level: initial\n".write(toFile: stateFile, atomically: true, encoding: .utf8)
            let file = try write("""
                name: snapshot
                targets:
                  fleet: {hosts: all, at_least: 1}
                  first: {hosts: h01, exactly: 1}
                probes:
                  level: {on: first, run: "cat \(stateFile)", parse: kv}
                steps:
                  - id: change
                    on: first
                    run: "echo 'level: changed' > \(stateFile)"
                  - id: by_before
                    on: fleet
                    when: probes.level.before.result.level == "initial"
                    run: "echo before-{{ host.name }} >> \(log)"
                  - id: by_now
                    on: fleet
                    when: probes.level.result.level == "initial"
                    run: "echo now-{{ host.name }} >> \(log)"
                """, in: fleet, name: "snapshot.yaml")
            let state = fleet.directory.appendingPathComponent("state").path

            let validated = try await warden(["validate", file])
            #expect(validated.status == 0, "\(validated.stdout)\(validated.stderr)")
            let plan = try await warden(["plan", file, "-i", fleet.inventoryPath, "--state", state, "--output", "json"])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            let planned = try JSONDecoder().decode(Plan.self, from: Data(plan.stdout.utf8))
            // The sample before the first change is the one the plan takes: known now; a fresh read is not.
            #expect(planned.steps.map(\.status) == [.willRun, .willRun, .unknown])

            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            // The hosts of a step append at once: their order within it is not fixed.
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.sorted() == ["before-h01", "before-h02"], "\(lines)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))
            #expect(report.steps.map(\.status) == [.ok, .ok, .skipped])
        }
    }

    @Test func aHostAStepSkippedReadsAsSkippedWithTheReason() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let log = fleet.directory.appendingPathComponent("changed.log").path
            let file = try write("""
                name: skipped
                targets:
                  fleet: {hosts: all, at_least: 1}
                steps:
                  - id: pick
                    on: fleet
                    when: host.name == "h01"
                    check: "true"
                  - id: after
                    on: fleet
                    run: "echo {{ host.name }} {{ steps.pick.hosts[host.name].status }} >> \(log)"
                  - id: why
                    on: fleet
                    when: steps.pick.hosts[host.name].status == "skipped"
                    run: "echo {{ steps.pick.hosts[host.name].reason }} >> \(log)"
                """, in: fleet, name: "skipped.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let plan = try await warden(["plan", file, "-i", fleet.inventoryPath, "--state", state, "--output", "json"])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            let planned = try JSONDecoder().decode(Plan.self, from: Data(plan.stdout.utf8))
            // The plan ran the check, so it knows what the run will: h02 was skipped, and why.
            let after = try #require(planned.steps.dropFirst().first)
            #expect(after.hosts.last?.command?.contains("h02 skipped") == true, "\(after.hosts)")

            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.prefix(2).sorted() == ["h01 ok", "h02 skipped"], "\(lines)")
            #expect(lines.dropFirst(2) == ["when host.name == \"h01\" is false"], "\(lines)")
        }
    }

    @Test func aSkippedHostStillReadsAsSkippedAfterAResume() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let log = fleet.directory.appendingPathComponent("changed.log").path
            let file = try write("""
                name: skipped-resumed
                targets:
                  fleet: {hosts: all, at_least: 1}
                steps:
                  - id: pick
                    on: fleet
                    when: host.name == "h01"
                    run: "true"
                  - id: slow
                    on: fleet
                    run: "sleep 30"
                  - id: why
                    on: fleet
                    when: steps.pick.hosts[host.name].status == "skipped"
                    run: "echo {{ host.name }}: {{ steps.pick.hosts[host.name].reason }} >> \(log)"
                """, in: fleet, name: "skipped-resumed.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            let killed = try await awaitRun(in: state, "the slow step's intents") { _, events in
                events.filter { $0.step == "slow" && $0.kind == .intent }.count == 2
            }
            try await background.crash()
            let resumed = try await warden(["resume", killed.id, "-i", fleet.inventoryPath, "--state", state, "--yes", "--assume", "done"])
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            #expect(try String(contentsOfFile: log, encoding: .utf8) == "h02: when host.name == \"h01\" is false\n")
        }
    }
}
