import Foundation
import Testing
import WardenCore
import WardenTesting

/// Issue 12, finding 2, on the fleet: under a site policy that requires signed
/// approvals, a row inserted into the shared state folder lets nothing run;
/// the second operator's approval signed with their SSH key does; and
/// `warden audit verify` names who signed what, and what nobody signed.
@Suite("Signed approvals", .enabled(if: getuid() == 0, "needs root to act as a second user (runuser -u nobody)"))
struct SignedApprovalTests {
    /// A root-owned policy requiring signatures, with `nobody`'s new key as its only allowed signer.
    private func sitePolicy(in fleet: LoopbackFleet) async throws -> (policy: String, key: String) {
        let folder = fleet.directory.appendingPathComponent("site").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let key = fleet.directory.appendingPathComponent("nobody-key").path
        let made = try await runProcess("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        #expect(made.status == 0, "\(made.stderr)")
        chown(key, 65534, 65534)
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        try "nobody \(publicKey)".write(toFile: folder + "/allowed_signers", atomically: false, encoding: .utf8)
        let policy = folder + "/policy.yaml"
        try """
            approvals:
              require_signatures: true
              allowed_signers: \(folder)/allowed_signers
            """.write(toFile: policy, atomically: false, encoding: .utf8)
        return (policy, key)
    }

    @Test func aForgedRowLetsNothingRunAndASignedApprovalDoes() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = try sharedState(fleet)
            let (policy, key) = try await sitePolicy(in: fleet)
            let file = try write("""
                name: gated
                targets:
                  admin: {hosts: h01, exactly: 1}
                steps:
                  - id: go
                    approve: {quorum: 1, timeout: 10m}
                  - id: change
                    on: admin
                    run: "echo SIGNED-CHANGE"
                """, in: fleet, name: "gated.yaml")
            let background = try BackgroundWarden.start(
                ["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"], launcher: ["/usr/bin/env", "WARDEN_POLICY=\(policy)"])
            let run = try await awaitRun(in: state, "waiting at the gate") { _, events in events.contains { $0.kind == .waitingApproval } }

            // What the review did with one sqlite3 INSERT: an approval "by" another user, unsigned.
            let journal = try await Journal.open(directory: state)
            let plan = try #require(try await journal.run(run.id)).planHash
            try await journal.record(Approval(runID: run.id, step: "go", approver: "nobody", decision: .approve, comment: "forged", planHash: plan))
            _ = try await awaitRun(in: state, "the forged approval to be ignored") { _, events in
                events.contains { $0.kind == .note && ($0.detail ?? "").contains("ignored a approve recorded for nobody: it is not signed") }
            }
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("SIGNED-CHANGE"))

            // The second operator without a key is told what the site needs; with it, the run goes on.
            let binary = try await binaryForNobody(fleet)
            let asNobody = ["-u", "nobody", "--", "/usr/bin/env", "WARDEN_POLICY=\(policy)", binary, "approve", run.id, "--state", state]
            let unsigned = try await runProcess("/usr/sbin/runuser", asNobody)
            #expect(unsigned.status == 2, "\(unsigned.stdout)\(unsigned.stderr)")
            #expect(unsigned.stderr.contains("requires signed decisions: pass --key"), "\(unsigned.stderr)")
            let signed = try await runProcess("/usr/sbin/runuser", asNobody + ["--key", key, "--comment", "looked at it"])
            #expect(signed.status == 0, "\(signed.stdout)\(signed.stderr)")
            #expect(signed.stdout.contains("signed with ED25519 key SHA256:"), "\(signed.stdout)")
            let (status, report) = try await background.finishReport()
            #expect(status == 0, "\(report.reason ?? "")")
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).contains("SIGNED-CHANGE"))

            // Verify names the key that signed the real approval, and the forged one as unsigned.
            let verify = try await warden(["audit", "verify", "--state", state], environment: ["WARDEN_POLICY": policy])
            #expect(verify.status == 1, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.contains("approve of run \(run.id) at 'go' by nobody: UNSIGNED"), "\(verify.stdout)")
            #expect(verify.stdout.contains("approve of run \(run.id) at 'go' by nobody: signed with ED25519 key SHA256:"), "\(verify.stdout)")
        }
    }

    @Test func aPolicyThoseItBindsCouldHaveWrittenStopsTheRun() async throws {
        try await withFleet(hosts: 1) { fleet in
            let (policy, _) = try await sitePolicy(in: fleet)
            chmod(policy, 0o666)
            let file = try write("""
                name: gated
                targets:
                  admin: {hosts: h01, exactly: 1}
                steps:
                  - id: go
                    approve: {quorum: 1, timeout: 5s}
                  - id: change
                    on: admin
                    run: "echo NEVER"
                """, in: fleet, name: "gated.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"], environment: ["WARDEN_POLICY": policy])
            #expect(run.status == 2, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("\(policy) is writable by group or others"), "\(run.stderr)")
        }
    }
}
