import Foundation
import Testing
import WardenCore
import WardenTesting

/// How runs end outside the happy path: a `warden run` that never reaches
/// its first change (its report, JSON too, its exit status, what the journal
/// keeps of it), and a run whose controller died, shown as such and abandoned.
@Suite("Runs that end before any change, or without their controller")
struct RunOutcomeTests {
    /// A guarded change after a check: `healthy` and `ready` (shell words, `true`/`false`)
    /// decide whether the guard and the check hold.
    private func runbook(in fleet: LoopbackFleet, healthy: Bool, ready: Bool) throws -> String {
        try write("""
            name: guarded-change
            targets:
              one: {hosts: h01, exactly: 1}
            probes:
              state: {on: one, run: "echo '{\\"healthy\\": \(healthy)}'", parse: json}
            guards:
              - probe: state
                expect: result.healthy
                message: the node must report healthy
            steps:
              - id: ready
                on: one
                check: "echo READY-CHECK; \(ready)"
              - id: change
                on: one
                run: "echo MUTATE-CHANGE"
            """, in: fleet, name: "guarded-\(healthy)-\(ready).yaml")
    }

    @Test func aBlockedOrFailingPlanStillPrintsItsJSONReport() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let blockedFile = try runbook(in: fleet, healthy: false, ready: true)
            let blocked = try await warden(["run", blockedFile, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(blocked.status == 3, "\(blocked.stdout)\(blocked.stderr)")
            let blockedReport = try JSONDecoder().decode(RunReport.self, from: Data(blocked.stdout.utf8))
            #expect(blockedReport.status == .blocked)
            #expect(blockedReport.verdict == .blocked)
            #expect(blockedReport.reason?.contains("the node must report healthy") == true, "\(blockedReport.reason ?? "")")
            #expect(blockedReport.plan?.guards.first?.status == .fails)
            #expect(blockedReport.plan?.probeRuns.first?.probe == "state")

            let failingFile = try runbook(in: fleet, healthy: true, ready: false)
            let failing = try await warden(["run", failingFile, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
            let failingReport = try JSONDecoder().decode(RunReport.self, from: Data(failing.stdout.utf8))
            #expect(failingReport.verdict == .fails)
            #expect(failingReport.status == .failedChecks)
            #expect(!failingReport.runID.isEmpty, "the attempt is journaled")
            #expect(failingReport.reason?.contains("ready") == true, "\(failingReport.reason ?? "")")
            #expect(failingReport.plan?.steps.first?.status == .failed)
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("MUTATE-CHANGE"))

            // A run that starts reports the verdict it started on.
            let goodFile = try runbook(in: fleet, healthy: true, ready: true)
            let good = try await warden(["run", goodFile, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
            #expect(try JSONDecoder().decode(RunReport.self, from: Data(good.stdout.utf8)).verdict == .proceeds)
        }
    }

    @Test func everyAttemptIsJournaledWithItsOutcomeAndThePlanThatDecidedIt() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let blocked = try await warden(["run", try runbook(in: fleet, healthy: false, ready: true), "-i", fleet.inventoryPath,
                                            "--state", state, "--yes"])
            #expect(blocked.status == 3, "\(blocked.stdout)\(blocked.stderr)")
            #expect(blocked.stdout.contains("Not started: nothing was changed."))
            let failing = try await warden(["run", try runbook(in: fleet, healthy: true, ready: false), "-i", fleet.inventoryPath,
                                            "--state", state, "--yes"])
            #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("MUTATE-CHANGE"))

            let journal = try await Journal.open(directory: state)
            let runs = try await journal.runs()
            #expect(runs.map(\.status) == [.ended(.failedChecks), .ended(.blocked)])
            let blockedPlan = try JSONDecoder().decode(Plan.self, from: Data(try #require(runs[1].plan).utf8))
            #expect(blockedPlan.guards.first?.status == .fails)
            #expect(blockedPlan.guards.first?.details.isEmpty == false)
            #expect(runs[1].reason == blockedPlan.verdictReason)
            let failedPlan = try JSONDecoder().decode(Plan.self, from: Data(try #require(runs[0].plan).utf8))
            #expect(failedPlan.steps.first?.status == .failed)
            #expect(runs.allSatisfy { $0.finishedAt != nil })

            let listed = try await warden(["runs", "--state", state])
            #expect(listed.stdout.contains("failed-checks"), "\(listed.stdout)")
            #expect(listed.stdout.contains(runs[1].id) && listed.stdout.contains("blocked"), "\(listed.stdout)")
            let shown = try await warden(["show", runs[1].id, "--state", state])
            #expect(shown.stdout.contains("not started"), "\(shown.stdout)")
        }
    }

    @Test func aReadOnlyRunbookRunsAndItsFailingCheckIsItsResult() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let file = try write("""
                name: inspect
                targets:
                  one: {hosts: h01, exactly: 1}
                steps:
                  - id: look
                    on: one
                    check: "echo LOOKED-AT; false"
                """, in: fleet, name: "inspect.yaml")
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            #expect(!run.stdout.contains("Not started"), "\(run.stdout)")
            #expect(run.stdout.contains("look [check] FAILED"), "\(run.stdout)")
            let journal = try await Journal.open(directory: state)
            let journaled = try #require(try await journal.runs().first)
            #expect(journaled.status == .ended(.failed))
            let events = try await journal.events(of: journaled.id)
            #expect(events.contains { $0.kind == .outcome && $0.step == "look" && $0.exit == 1 })
        }
    }

    @Test func aRunWhoseControllerDiedIsShownAsSuchAndCanBeAbandonedWithItsCleanup() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            // The change holds until the test releases it, however slow the machine: the controller dies first.
            let release = fleet.directory.appendingPathComponent("release").path
            defer { FileManager.default.createFile(atPath: release, contents: nil) }
            let file = try write("""
                name: long-change
                targets:
                  one: {hosts: h01, exactly: 1}
                steps:
                  - id: hold
                    on: one
                    unguarded: a test
                    run: "echo MUTATE-HOLD; while [ ! -e \(release) ]; do sleep 0.1; done"
                  - id: later
                    on: one
                    unguarded: a test
                    run: "echo MUTATE-LATER"
                finally:
                  - id: tidy
                    on: one
                    run: "echo CLEANUP-TIDY"
                """, in: fleet, name: "long.yaml")
            let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            let run = try await awaitRun(in: state, "the hold step to be under way") { _, events in
                events.contains { $0.step == "hold" && $0.kind == .intent }
            }
            // The intent is journaled before the command leaves: the kill comes once the host has it.
            for _ in 0..<600 where !fleet.commands(receivedBy: fleet.hosts[0]).contains("MUTATE-HOLD") {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await background.crash()

            let listed = try await warden(["runs", "--state", state])
            #expect(listed.stdout.contains("controller gone"), "\(listed.stdout)")
            #expect(listed.stdout.contains("warden resume \(run.id) -i INVENTORY --abandon"), "\(listed.stdout)")
            let json = try await warden(["runs", "--state", state, "--output", "json"])
            let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(objects.first?["controller_gone"] as? Bool == true)
            #expect(objects.first?["status"] as? String == "running")

            let abandoned = try await warden(["resume", run.id, "-i", fleet.inventoryPath, "--state", state, "--abandon", "--yes",
                                              "--output", "json"])
            #expect(abandoned.status == 0, "\(abandoned.stdout)\(abandoned.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(abandoned.stdout.utf8))
            #expect(report.status == .abandoned)
            #expect(report.cleanup.map(\.status) == [.ok])
            #expect(report.steps.map(\.status) == [.notRun, .notRun])
            let commands = fleet.commands(receivedBy: fleet.hosts[0])
            #expect(commands.components(separatedBy: "MUTATE-HOLD").count - 1 == 1, "the held change is not run again")
            #expect(!commands.contains("MUTATE-LATER"))
            #expect(commands.contains("CLEANUP-TIDY"))

            let journal = try await Journal.open(directory: state)
            #expect(try await journal.run(run.id)?.status == .ended(.abandoned))
            let events = try await journal.events(of: run.id)
            #expect(events.contains { $0.kind == .note && ($0.detail ?? "").contains("abandoned (only pending cleanup runs: tidy) by \(OperatingSystemUser.name)") })
            let audit = try await journal.auditRecords()
            #expect(audit.contains { $0.action == .runFinished && $0.runID == run.id && $0.status == "abandoned" && $0.actor == OperatingSystemUser.name })
            let after = try await warden(["runs", "--state", state])
            #expect(after.stdout.contains("abandoned") && !after.stdout.contains("controller gone"), "\(after.stdout)")
        }
    }
}
