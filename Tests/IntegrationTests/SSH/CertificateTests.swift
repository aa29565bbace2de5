import Foundation
import Testing
import WardenCore
import WardenSSH
import WardenTesting

/// OpenSSH certificates against real sshd: user certificates signed by the
/// fleet's CA (`TrustedUserCAKeys`), and known_hosts marker lines libssh
/// cannot act on (`@cert-authority`, `@revoked`).
@Suite("Certificates against real sshd")
struct CertificateTests {
    /// A fresh key that no host's authorized_keys lists, and its certificate signed with `validity` for `principals`.
    private func certifiedKey(_ fleet: LoopbackFleet, validity: String, principals: String) async throws -> (key: String, certificate: String) {
        let key = fleet.directory.appendingPathComponent("cert-key-\(UUID().uuidString.prefix(8))").path
        try await fleet.shell("ssh-keygen -q -t ed25519 -N '' -f \(key) </dev/null && ssh-keygen -q -s \(fleet.directory.path)/user_ca -I warden-test -n \(principals) -V '\(validity)' \(key).pub")
        return (key, key + "-cert.pub")
    }

    private func target(_ fleet: LoopbackFleet, key: String, certificate: String?) -> SSHTarget {
        var target = fleet.target(authentication: .keyFile(path: key, passphraseEnvironmentVariable: nil))
        target.certificate = certificate
        return target
    }

    @Test func aUserCertificateFromTheTrustedCALogsIn() async throws {
        try await withFleet { fleet in
            let (key, certificate) = try await certifiedKey(fleet, validity: "-1m:+5m", principals: fleet.user)
            let client = SSHClient()
            let result = try await client.exec(ExecRequest(command: "echo in"), on: target(fleet, key: key, certificate: certificate))
            #expect(result.stdout.text == "in\n")
            await client.close()
            // The same key without its certificate is nobody the host knows.
            let bare = SSHClient()
            await #expect(throws: SSHError.self) { _ = try await bare.exec(ExecRequest(command: "true"), on: target(fleet, key: key, certificate: nil)) }
            await bare.close()
        }
    }

    /// A long-running controller: a certificate replaced in place (renewed, or re-signed by the right
    /// CA) is the one the next connection offers, not the one imported first.
    @Test func aCertificateReplacedInPlaceIsTheOneOfferedNext() async throws {
        try await withFleet { fleet in
            let dir = fleet.directory.path
            let (key, certificate) = try await certifiedKey(fleet, validity: "-1m:+5m", principals: fleet.user)
            // First signed by a CA the host does not trust.
            try await fleet.shell("ssh-keygen -q -t ed25519 -N '' -f \(dir)/other_ca </dev/null && ssh-keygen -q -s \(dir)/other_ca -I warden-test -n \(fleet.user) -V -1m:+5m \(key).pub")
            let client = SSHClient()
            let target = target(fleet, key: key, certificate: certificate)
            await #expect(throws: SSHError.self) { _ = try await client.exec(ExecRequest(command: "true"), on: target) }
            try await fleet.shell("ssh-keygen -q -s \(dir)/user_ca -I warden-test -n \(fleet.user) -V -1m:+5m \(key).pub")
            let result = try await client.exec(ExecRequest(command: "echo renewed"), on: target)
            #expect(result.stdout.text == "renewed\n")
            await client.close()
        }
    }

    @Test func anAgentHoldingTheKeyWithItsCertificateLogsIn() async throws {
        try await withFleet { fleet in
            let (key, _) = try await certifiedKey(fleet, validity: "-1m:+5m", principals: fleet.user)
            let socket = fleet.directory.appendingPathComponent("agent.sock").path
            let pid = try await fleet.shell("ssh-agent -a \(socket) -s | sed -n 's/^SSH_AGENT_PID=\\([0-9]*\\);.*/\\1/p'")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                // ssh-add loads KEY-cert.pub beside KEY with it.
                let added = try await fleet.shell("SSH_AUTH_SOCK=\(socket) ssh-add \(key) 2>&1; SSH_AUTH_SOCK=\(socket) ssh-add -l")
                #expect(added.contains("Certificate added"), "\(added)")
                let client = SSHClient()
                let result = try await client.exec(ExecRequest(command: "echo agent"), on: fleet.target(authentication: .agent(socket: socket)))
                #expect(result.stdout.text == "agent\n")
                await client.close()
            } catch {
                _ = try? await fleet.controller("kill \(pid)")
                throw error
            }
            _ = try await fleet.controller("kill \(pid)")
        }
    }

    @Test func anExpiredOrMisaddressedCertificateIsNamedBeforeConnecting() async throws {
        try await withFleet { fleet in
            let (key, expired) = try await certifiedKey(fleet, validity: "20200101:20200102", principals: fleet.user)
            let (laterKey, later) = try await certifiedKey(fleet, validity: "+1d:+2d", principals: fleet.user)
            let (otherKey, other) = try await certifiedKey(fleet, validity: "-1m:+5m", principals: "alice,bob")
            let logBefore = fleet.log(of: fleet.hosts[0])
            let client = SSHClient()
            for (key, certificate, expected) in [(key, expired, "expired at 2020-01-02"), (laterKey, later, "is not valid before"),
                                                 (otherKey, other, "is for alice, bob, not for the login user \(fleet.user)")] {
                do {
                    _ = try await client.exec(ExecRequest(command: "true"), on: target(fleet, key: key, certificate: certificate))
                    Issue.record("a connection was made with \(certificate)")
                } catch let error as SSHError {
                    #expect(error.kind == .authFailed, "\(error)")
                    #expect(error.description.contains(expected) && error.description.contains("nothing was sent to the host"), "\(error)")
                    #expect(error.description.contains("key id \"warden-test\""), "\(error)")
                }
            }
            #expect(fleet.log(of: fleet.hosts[0]) == logBefore, "the host heard from the controller")
            await client.close()
        }
    }

    @Test func aCertificateAuthorityLineNeverLetsAHostInAndARevokedKeyIsRefused() async throws {
        try await withFleet { fleet in
            let hostKey = try String(contentsOfFile: fleet.directory.appendingPathComponent("hosts/h01/ssh_host_ed25519_key.pub").path, encoding: .utf8)
            let keyFields = hostKey.split(separator: " ").prefix(2).joined(separator: " ")
            let caOnly = fleet.directory.appendingPathComponent("known_hosts_ca").path
            try "@cert-authority * \(keyFields)\n".write(toFile: caOnly, atomically: true, encoding: .utf8)
            let client = SSHClient()
            do {
                _ = try await client.exec(ExecRequest(command: "true"), on: fleet.target(policy: .knownHosts(path: caOnly, acceptNew: false)))
                Issue.record("a host was let in by a @cert-authority line")
            } catch let error as SSHError {
                #expect(error.kind == .hostKeyUnknown, "\(error)")
                #expect(error.description.contains("@cert-authority lines (line 1)") && error.description.contains("cannot verify host certificates"), "\(error)")
            }
            let revoked = fleet.directory.appendingPathComponent("known_hosts_revoked").path
            let plain = try String(contentsOfFile: fleet.knownHostsPath, encoding: .utf8)
            try (plain + "@revoked * \(keyFields)\n").write(toFile: revoked, atomically: true, encoding: .utf8)
            do {
                _ = try await client.exec(ExecRequest(command: "true"), on: fleet.target(policy: .knownHosts(path: revoked, acceptNew: true)))
                Issue.record("a revoked host key was accepted")
            } catch let error as SSHError {
                #expect(error.kind == .hostKeyChanged, "\(error)")
                #expect(error.description.contains("marked @revoked at line 2"), "\(error)")
            }
            await client.close()
        }
    }
}
