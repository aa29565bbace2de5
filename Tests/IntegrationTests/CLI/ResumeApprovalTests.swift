import Foundation
import Testing
import WardenCore
import WardenTesting

/// Issue 12, finding 1: a resume must not be a way around an approval. The
/// run was approved by another user for one command; its controller was
/// killed; the resume may carry on only with what was approved.
@Suite("Resume keeps the approval", .enabled(if: getuid() == 0, "needs root to act as a second user (runuser -u nobody)"))
struct ResumeApprovalTests {
    private func runbook(change: String) -> String {
        """
        name: gated
        params:
          tag: {type: string, default: approved}
        targets:
          admin: {hosts: h01, exactly: 1}
        steps:
          - id: go
            approve: {quorum: 1, timeout: 10m, message: change h01}
          - id: settle
            on: admin
            check: "sleep $(cat wait-seconds 2>/dev/null || echo 0)"
          - id: change
            on: admin
            run: "\(change)"
          - id: again
            on: admin
            run: "echo second-{{ params.tag }}-change"
        """
    }

    @Test func aResumeRunsOnlyWhatWasApproved() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = try sharedState(fleet)
            let file = fleet.directory.appendingPathComponent("gated.yaml").path
            try runbook(change: "echo {{ params.tag }}-change").write(toFile: file, atomically: true, encoding: .utf8)
            // The settle step waits (in the login user's home, where the command runs) until told.
            let seconds = try await fleet.shell("cd && pwd").trimmingCharacters(in: .whitespacesAndNewlines) + "/wait-seconds"
            try "10\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: seconds) }
            let (background, runID, _) = try await startApproved(fleet, [file, "-i", fleet.inventoryPath], state: state)
            _ = try await awaitRun(in: state, "the settle wait to start") { _, events in
                events.contains { $0.step == "settle" && $0.kind == .intent }
            }
            try await background.crash()
            try "0\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            let resume = ["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"]

            // The runbook edited after the approval: refused, nothing sent.
            try runbook(change: "echo edited-change").write(toFile: file, atomically: true, encoding: .utf8)
            let edited = try await warden(resume)
            #expect(edited.status == 2, "\(edited.stdout)\(edited.stderr)")
            #expect(edited.stderr.contains("the runbook changed since run \(runID) started"), "\(edited.stderr)")

            // Parameters the approvers saw cannot be overridden.
            try runbook(change: "echo {{ params.tag }}-change").write(toFile: file, atomically: true, encoding: .utf8)
            let overridden = try await warden(resume + ["-p", "tag=evil"])
            #expect(overridden.status == 2, "\(overridden.stdout)\(overridden.stderr)")
            #expect(overridden.stderr.contains("cannot be changed on resume"), "\(overridden.stderr)")
            let sent = fleet.commands(receivedBy: fleet.hosts[0])
            #expect(!sent.contains("edited-change") && !sent.contains("evil"), "\(sent)")

            // As it was approved: it runs, every change checked against the approved plan.
            let resumed = try await warden(resume)
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            let after = fleet.commands(receivedBy: fleet.hosts[0])
            #expect(after.contains("echo approved-change") && after.contains("echo second-approved-change"), "\(after)")
        }
    }

    /// Issue 12, finding 5: secrets are given again on resume; one other than
    /// the value the approvers' plan was made with is refused, the same one resumes.
    @Test func aResumeNeedsTheSecretsThatWereApproved() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = try sharedState(fleet)
            let file = try write("""
                name: gated-secret
                params:
                  token: {type: string, secret: true, required: true}
                targets:
                  admin: {hosts: h01, exactly: 1}
                steps:
                  - id: go
                    approve: {quorum: 1, timeout: 10m, message: change h01}
                  - id: settle
                    on: admin
                    check: "sleep $(cat \(fleet.directory.path)/wait-seconds)"
                  - id: change
                    on: admin
                    run: "echo change-with-{{ params.token }}"
                """, in: fleet, name: "gated-secret.yaml")
            let seconds = fleet.directory.appendingPathComponent("wait-seconds").path
            try "10\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            let approvedSecret = try write("token: approved-\(UUID().uuidString)\n", in: fleet, name: "approved.yaml")
            let otherSecret = try write("token: other-\(UUID().uuidString)\n", in: fleet, name: "other.yaml")
            let (background, runID, _) = try await startApproved(fleet, [file, "-i", fleet.inventoryPath, "--params", approvedSecret], state: state)
            _ = try await awaitRun(in: state, "the settle wait to start") { _, events in
                events.contains { $0.step == "settle" && $0.kind == .intent }
            }
            try await background.crash()
            try "0\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            let resume = ["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"]

            let other = try await warden(resume + ["--params", otherSecret])
            #expect(other.status == 2, "\(other.stdout)\(other.stderr)")
            #expect(other.stderr.contains("secret 'token' is not the value run \(runID) started with"), "\(other.stderr)")
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("change-with-other"))

            let same = try await warden(resume + ["--params", approvedSecret])
            #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).contains("change-with-approved-"))
        }
    }

    @Test func aResumeCannotWidenWhatWasApproved() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = try sharedState(fleet)
            let file = try write("""
                name: widening
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: go
                    approve: {quorum: 1, timeout: 10m, message: change the fleet}
                  - id: settle
                    on: fleet
                    check: "sleep $(cat \(fleet.directory.path)/wait-seconds)"
                  - id: change
                    on: fleet
                    run: "echo widened-change"
                """, in: fleet, name: "widening.yaml")
            let seconds = fleet.directory.appendingPathComponent("wait-seconds").path
            try "10\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            // Approved for h01 alone...
            let one = try fleet.writeInventory(named: "one-host.yaml", host: 0, groups: ["fleet"])
            let (background, runID, approverSaw) = try await startApproved(fleet, [file, "-i", one], state: state)
            #expect(approverSaw.contains("h01") && !approverSaw.contains("h02"), "\(approverSaw)")
            _ = try await awaitRun(in: state, "the settle wait to start") { _, events in
                events.contains { $0.step == "settle" && $0.kind == .intent }
            }
            try await background.crash()
            try "0\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            // ...resumed with an inventory where the target has two hosts: the change is not made anywhere.
            let resumed = try await warden(["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(resumed.status == 3, "\(resumed.stdout)\(resumed.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(resumed.stdout.utf8))
            #expect(report.reason?.contains("step 'change' not started: the plan changed since it was approved at 'go': hosts were h01, now h01, h02") == true,
                    "\(report.reason ?? "")")
            for host in fleet.hosts { #expect(!fleet.commands(receivedBy: host).contains("widened-change")) }
        }
    }
}
