import Foundation
import Testing
import WardenSSH
import WardenTesting

@Suite("Host keys are checked strictly")
struct HostKeyTests {
    @Test func aChangedKeyIsRefusedWithBothFingerprints() async throws {
        try await withFleet { fleet in
            let (_, otherPublic) = try await makeKeyPair()
            let recorded = try await fingerprint(ofPublicKeyFile: otherPublic)
            let knownHosts = fleet.directory.appendingPathComponent("changed_known_hosts").path
            let key = try String(contentsOfFile: otherPublic, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
            try "\(fleet.knownHostsName()) \(key)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)

            for acceptNew in [false, true] {  // --accept-new-host-keys never accepts a changed key
                let target = fleet.target(policy: .knownHosts(path: knownHosts, acceptNew: acceptNew))
                let error = await expectSSHError(.hostKeyChanged) { try await SSHClient().connect(target) }
                #expect(error?.description.contains(recorded) == true)
                #expect(error?.description.contains(try await fleet.realFingerprint()) == true)
                #expect(error?.description.contains("ssh-keygen -R") == true)
            }
            #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).split(separator: "\n").count == 1)
        }
    }

    @Test func anUnknownHostIsRefusedUnlessNewKeysAreAcceptedThenItIsRecorded() async throws {
        try await withFleet { fleet in
            let knownHosts = fleet.directory.appendingPathComponent("empty_known_hosts").path
            try "".write(toFile: knownHosts, atomically: true, encoding: .utf8)

            let strict = fleet.target(policy: .knownHosts(path: knownHosts, acceptNew: false))
            let error = await expectSSHError(.hostKeyUnknown) { try await SSHClient().connect(strict) }
            #expect(error?.description.contains(try await fleet.realFingerprint()) == true)
            #expect(error?.description.contains("--accept-new-host-keys") == true)
            #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).isEmpty)

            let accepting = fleet.target(policy: .knownHosts(path: knownHosts, acceptNew: true))
            try await SSHClient().connect(accepting)
            let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
            #expect(recorded.hasPrefix(fleet.knownHostsName() + " ssh-ed25519 "))
            // Recorded now: the strict policy trusts it.
            try await SSHClient().connect(strict)
        }
    }

    @Test func aMissingKnownHostsFileMeansUnknownNotTrusted() async throws {
        try await withFleet { fleet in
            let missing = fleet.directory.appendingPathComponent("no/such/known_hosts").path
            await expectSSHError(.hostKeyUnknown) {
                try await SSHClient().connect(fleet.target(policy: .knownHosts(path: missing, acceptNew: false)))
            }
        }
    }

    @Test func aPinnedFingerprintIsEnforced() async throws {
        try await withFleet { fleet in
            let real = try await fleet.realFingerprint()
            let client = SSHClient()
            let result = try await client.exec(ExecRequest(command: "echo pinned"), on: fleet.target(policy: .pinned(fingerprint: real)))
            #expect(result.stdout.text == "pinned\n")

            let (_, otherPublic) = try await makeKeyPair()
            let wrong = try await fingerprint(ofPublicKeyFile: otherPublic)
            let error = await expectSSHError(.hostKeyChanged) {
                try await SSHClient().connect(fleet.target(policy: .pinned(fingerprint: wrong)))
            }
            #expect(error?.description.contains(wrong) == true)
            #expect(error?.description.contains(real) == true)
            await client.close()
        }
    }
}
