import Foundation
import Testing
import WardenCore
import WardenTesting

/// How a `warden run` that never reaches its first change ends: its report
/// (JSON too), its exit status, and what the journal keeps of it.
@Suite("Runs that end before any change")
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
}
