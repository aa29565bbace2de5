import Foundation
import Testing
import WardenCore
import WardenTesting

/// Issue 12, finding 2, tamper evidence that survives an insider: under a site
/// policy that requires signed checkpoints, a run without a signing key does
/// not start; one with a key signs the audit log's head when it starts and
/// ends, and `warden audit verify` names who signed with which key, and fails
/// for a run nobody signed.
@Suite("Signed checkpoints on the command line")
struct SignedCheckpointTests {
    /// A root-owned policy requiring checkpoints (or not), with a new key of this user as the only allowed signer.
    private func sitePolicy(in fleet: LoopbackFleet, required: Bool) async throws -> (policy: String, key: String) {
        let folder = fleet.directory.appendingPathComponent("site-\(required)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let key = fleet.directory.appendingPathComponent("controller-key").path
        if !FileManager.default.fileExists(atPath: key) {
            let made = try await runProcess("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
            #expect(made.status == 0, "\(made.stderr)")
        }
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        try "\(OperatingSystemUser.name) \(publicKey)".write(toFile: folder + "/controllers", atomically: false, encoding: .utf8)
        let policy = folder + "/policy.yaml"
        try """
            checkpoints:
              required: \(required)
              allowed_signers: \(folder)/controllers
            """.write(toFile: policy, atomically: false, encoding: .utf8)
        return (policy, key)
    }

    @Test(.enabled(if: getuid() == 0, "the policy file must be root's"))
    func aRequiredCheckpointIsSignedAtStartAndEndAndNamedByVerify() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let (policy, key) = try await sitePolicy(in: fleet, required: true)
            let file = try write("""
                name: signed
                targets:
                  admin: {hosts: h01, exactly: 1}
                steps:
                  - id: change
                    on: admin
                    run: "echo SIGNED-RUN"
                """, in: fleet, name: "signed.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let site = ["WARDEN_POLICY": policy]

            let unsigned = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"], environment: site)
            #expect(unsigned.status == 2, "\(unsigned.stdout)\(unsigned.stderr)")
            #expect(unsigned.stderr.contains("requires every run to sign checkpoints of the audit log: pass --signing-key"), "\(unsigned.stderr)")
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("SIGNED-RUN"))

            let signed = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--signing-key", key], environment: site)
            #expect(signed.status == 0, "\(signed.stdout)\(signed.stderr)")
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).contains("echo SIGNED-RUN"))
            let runID = try #require(try await Journal.open(directory: state).runs().first?.id)

            var verify = try await warden(["audit", "verify", "--state", state], environment: site)
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            for phase in ["started", "finished"] {
                #expect(verify.stdout.contains("checkpoint of run \(runID) (\(phase))"), "\(verify.stdout)")
            }
            #expect(verify.stdout.contains("by \(OperatingSystemUser.name): signed with ED25519 key SHA256:"), "\(verify.stdout)")

            // A run without a key under a policy that does not require one: verify shows the open tail;
            // once the site requires checkpoints, that run is named and verify fails.
            let (relaxed, _) = try await sitePolicy(in: fleet, required: false)
            let loose = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"], environment: ["WARDEN_POLICY": relaxed])
            #expect(loose.status == 0, "\(loose.stdout)\(loose.stderr)")
            verify = try await warden(["audit", "verify", "--state", state], environment: ["WARDEN_POLICY": relaxed])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.contains("after the newest signed checkpoint: anyone who can write the state folder could rewrite them"), "\(verify.stdout)")
            verify = try await warden(["audit", "verify", "--state", state], environment: site)
            #expect(verify.status == 1, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.contains("is not covered by a signed checkpoint: ended"), "\(verify.stdout)")
        }
    }

    /// A refusal quoting something from outside (here the key path from WARDEN_SIGNING_KEY)
    /// shows its control characters escaped: it cannot recolour, clear or retitle the terminal.
    @Test func aRefusalShowsAKeyPathFromTheEnvironmentWithItsControlCharactersEscaped() async throws {
        try await withFleet(hosts: 1) { fleet in
            let file = try write("""
                name: signed
                targets:
                  admin: {hosts: h01, exactly: 1}
                steps:
                  - {id: look, on: admin, check: "true"}
                """, in: fleet, name: "signed.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"],
                                       environment: ["WARDEN_SIGNING_KEY": "/nowhere\u{1B}]0;owned\u{07}\u{1B}[2J"])
            #expect(run.status == 2, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains(#"--signing-key /nowhere\x1b]0;owned\x07\x1b[2J cannot be read"#), "\(run.stderr)")
            #expect(!run.stderr.contains("\u{1B}"))
        }
    }
}
