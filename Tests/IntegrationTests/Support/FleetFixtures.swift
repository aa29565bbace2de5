import Foundation
import Testing
import WardenSSH
import WardenTesting

extension LoopbackFleet {
    /// The SSH target for host `index`, trusted through the fleet's known_hosts unless told otherwise.
    func target(_ index: Int = 0, policy: HostKeyPolicy? = nil, authentication: SSHAuthentication? = nil,
                connectTimeout: Duration = .seconds(30)) -> SSHTarget {
        let host = hosts[index]
        return SSHTarget(
            name: host.name, address: host.address, port: port, user: user,
            authentication: authentication ?? .keyFile(path: clientKeyPath, passphraseEnvironmentVariable: nil),
            hostKeyPolicy: policy ?? .knownHosts(path: knownHostsPath, acceptNew: false),
            connectTimeout: connectTimeout)
    }

    /// How many logins host `index`'s sshd has accepted: one per SSH session opened.
    func acceptedLogins(_ index: Int = 0) -> Int {
        log(of: hosts[index]).components(separatedBy: "Accepted publickey").count - 1
    }

    /// `[address]:port`, as known_hosts names a host on a non-standard port.
    func knownHostsName(_ index: Int = 0) -> String { "[\(hosts[index].address)]:\(port)" }

    /// The SHA-256 fingerprint of host `index`'s real key, as ssh-keygen prints it.
    func realFingerprint(_ index: Int = 0) async throws -> String {
        try await fingerprint(ofPublicKeyFile: directory.appendingPathComponent("hosts/\(hosts[index].name)/ssh_host_ed25519_key.pub").path)
    }

    /// Runs a shell command on the controller (where every "host" runs), off the cooperative pool.
    func controller(_ command: String) async throws -> (status: Int32, output: String) {
        try await runOnController(command)
    }

    /// Runs a shell command on the controller and fails the test if it fails.
    @discardableResult
    func shell(_ command: String) async throws -> String {
        let (status, output) = try await controller(command)
        guard status == 0 else { throw TestFailure("`\(command)` exited \(status): \(output)") }
        return output
    }
}

/// Stops host `name`'s sshd listener and returns only once it no longer accepts
/// connections. `kill` alone returns before sshd has acted on the signal, and a
/// connection made in between is still served (CI saw hosts "reached through a dead
/// bastion"). sshd closes its listening socket and then removes its pid file; a
/// listener that is gone or a zombie counts as stopped too.
extension LoopbackFleet {
    func stopSSHD(_ name: String) async throws {
        let pidFile = directory.appendingPathComponent("hosts/\(name)/sshd.pid").path
        try await shell("""
            f='\(pidFile)'; read -r pid < "$f" || exit 1; kill "$pid" || exit 1
            for i in $(seq 200); do
                [ -e "$f" ] || exit 0
                state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
                if [ -z "$state" ] || [ "$state" = Z ]; then exit 0; fi
                sleep 0.05
            done
            echo "sshd $pid of \(name) still listens 10 s after TERM"; exit 1
            """)
    }
}

/// `SHA256:…` of a public key file.
func fingerprint(ofPublicKeyFile path: String) async throws -> String {
    let output = try await runProcess("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", path]).stdout
    guard let fingerprint = output.split(separator: " ").first(where: { $0.hasPrefix("SHA256:") }) else {
        throw TestFailure("ssh-keygen printed no fingerprint for \(path): \(output)")
    }
    return String(fingerprint)
}

/// A fresh ed25519 key pair in a temporary folder: (private path, public path).
func makeKeyPair(passphrase: String = "") async throws -> (String, String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-key-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("id_ed25519").path
    let result = try await runProcess("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", "warden-test", "-f", path])
    guard result.status == 0 else { throw TestFailure("ssh-keygen failed: \(result.stderr)") }
    return (path, path + ".pub")
}

/// A marker unique to one test, for finding its processes on the host.
func uniqueSleepSeconds() -> String {
    "\(Int.random(in: 300...900)).\(Int.random(in: 100_000...999_999))"
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Catches the `SSHError` an operation throws, failing the test if it succeeds or throws anything else.
@discardableResult
func expectSSHError<T>(_ kind: SSHError.Kind, _ operation: () async throws -> T,
                       sourceLocation: SourceLocation = #_sourceLocation) async -> SSHError? {
    do {
        let value = try await operation()
        Issue.record("expected \(kind) but it succeeded with \(value)", sourceLocation: sourceLocation)
    } catch let error as SSHError {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected SSHError.\(kind), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Writes `text` (a runbook, an inventory) into the fleet's folder as `name`; returns its path.
func write(_ text: String, in fleet: LoopbackFleet, name: String) throws -> String {
    let path = fleet.directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
