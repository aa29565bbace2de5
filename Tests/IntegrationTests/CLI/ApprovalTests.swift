import Foundation
import Testing
import WardenCore
import WardenTesting

/// Approval gates between two operating-system users sharing a state
/// folder: root starts the run, `nobody` approves or denies it (through
/// runuser, hence only as root).
@Suite("Approval gates", .enabled(if: getuid() == 0, "needs root to act as a second user (runuser -u nobody)"))
struct ApprovalTests {
    static let runbook = """
        name: gated
        targets:
          fleet: {hosts: fleet, at_least: 1}
        steps:
          - id: look
            on: fleet
            check: "echo READ"
          - id: go
            approve: {quorum: 1, timeout: 10m, message: restart the fleet}
          - id: change
            on: fleet
            run: "echo MUTATE-CHANGE"
        finally:
          - id: tidy
            on: fleet
            run: "echo MUTATE-TIDY"
        """

    // The gate waits 10 minutes: no test here is about its expiry, and on a loaded machine copying the
    // binary for `nobody` and its approving once took longer than the minute it used to wait.

    /// Starts the run in the background and returns it once it waits at the gate.
    private func startGatedRun(_ fleet: LoopbackFleet, state: String, runbook: String = ApprovalTests.runbook) async throws -> (BackgroundWarden, String) {
        let file = fleet.directory.appendingPathComponent("gated.yaml").path
        try runbook.write(toFile: file, atomically: true, encoding: .utf8)
        let warden = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
        let run = try await awaitRun(in: state, "waiting at the gate") { _, events in events.contains { $0.kind == .waitingApproval } }
        return (warden, run.id)
    }

    @Test func anotherUsersApprovalLetsTheChangeRunAndTheInitiatorsDoesNot() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = try sharedState(fleet)
            let (background, runID) = try await startGatedRun(fleet, state: state)
            for host in fleet.hosts { #expect(!fleet.commands(receivedBy: host).contains("MUTATE-CHANGE")) }

            let own = try await warden(["approve", runID, "--state", state])
            #expect(own.status == 2)
            #expect(own.stderr.contains("you (root) started this run; another person must approve it"))

            let binary = try await binaryForNobody(fleet)
            let approved = try await runProcess("/usr/sbin/runuser", ["-u", "nobody", "--", binary, "approve", runID, "--state", state, "--comment", "window agreed"])
            #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
            #expect(approved.stdout.contains("Plan for 'gated'"))
            #expect(approved.stdout.contains("Approved run \(runID) at step 'go' as nobody"))

            let (status, report) = try await background.finishReport()
            #expect(status == 0)
            #expect(report.status == .succeeded)
            for host in fleet.hosts { #expect(fleet.commands(receivedBy: host).contains("MUTATE-CHANGE")) }
            let journal = try await Journal.open(directory: state)
            let approvals = try await journal.approvals(of: runID, step: "go")
            #expect(approvals.map(\.approver) == ["nobody"])
            #expect(approvals.first?.planHash == report.planHash)
        }
    }

    @Test func aDenialBlocksTheRunAndCleanupStillRuns() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = try sharedState(fleet)
            let (background, runID) = try await startGatedRun(fleet, state: state)
            let binary = try await binaryForNobody(fleet)
            let denied = try await runProcess("/usr/sbin/runuser", ["-u", "nobody", "--", binary, "deny", runID, "--state", state, "--comment", "not tonight"])
            #expect(denied.status == 0, "\(denied.stdout)\(denied.stderr)")
            let (status, report) = try await background.finishReport()
            #expect(status == 3)
            #expect(report.status == .blocked)
            #expect(report.reason == "step 'go': not approved: denied by nobody: not tonight")
            for host in fleet.hosts {
                let received = fleet.commands(receivedBy: host)
                #expect(!received.contains("MUTATE-CHANGE"))
                #expect(received.contains("MUTATE-TIDY"))
            }
        }
    }

    @Test func anApprovalDoesNotCoverAPlanThatChangedAfterIt() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = try sharedState(fleet)
            let version = fleet.directory.appendingPathComponent("version").path
            try "2.5.0\n".write(toFile: version, atomically: true, encoding: .utf8)
            let runbook = ApprovalTests.runbook
                .replacingOccurrences(of: "steps:\n", with: "probes:\n  version: {on: fleet, run: \"cat \(version)\", parse: lines}\nsteps:\n")
                .replacingOccurrences(of: "run: \"echo MUTATE-CHANGE\"", with: "run: \"echo MUTATE-CHANGE to {{ probes.version.hosts[host.name].result[0] }}\"")
            let (background, runID) = try await startGatedRun(fleet, state: state, runbook: runbook)
            // The world moves on between the plan the approver sees and the change.
            try "2.6.0\n".write(toFile: version, atomically: true, encoding: .utf8)
            let binary = try await binaryForNobody(fleet)
            let approved = try await runProcess("/usr/sbin/runuser", ["-u", "nobody", "--", binary, "approve", runID, "--state", state])
            #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
            #expect(approved.stdout.contains("$ echo MUTATE-CHANGE to 2.5.0"))
            let (status, report) = try await background.finishReport()
            #expect(status == 3)
            #expect(report.reason?.contains("the plan changed since it was approved at 'go': h01 would now run 'echo MUTATE-CHANGE to 2.6.0', approved 'echo MUTATE-CHANGE to 2.5.0'; a new approval is needed") == true, "\(report.reason ?? "")")
            for host in fleet.hosts {
                #expect(!fleet.commands(receivedBy: host).contains("MUTATE-CHANGE to"))
            }
        }
    }
}
