import Foundation
@testable import WardenCore

/// A `HostTransport` whose every host is this machine: commands run under
/// `/bin/sh -c` as the test's own user, so host-side scripts (locks,
/// deadmen) are tested on a real shell and a real file system without sshd.
/// Records every command line it ran.
final class LocalShellTransport: HostTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    /// Every command line run so far, in order.
    var commands: [String] {
        lock.withLock { lines }
    }

    func run(_ command: RemoteCommand, on host: InventoryHost,
             onOutput: (@Sendable (WardenCore.OutputStream, String) -> Void)?) async throws(TransportError) -> CommandResult {
        lock.withLock { lines.append(command.line) }
        let started = ContinuousClock.now
        do {
            let (status, stdout, stderr) = try await Self.shell(command.line)
            return CommandResult(stdout: CapturedText(text: stdout), stderr: CapturedText(text: stderr), exitStatus: status,
                                 exitSignal: nil, duration: ContinuousClock.now - started)
        } catch {
            throw TransportError(kind: .channelFailure, host: host.name, message: "\(host.name): /bin/sh did not start: \(error)")
        }
    }

    func fetch(_ remotePath: String, from host: InventoryHost, to localPath: String,
               limits: FetchLimits) async throws(TransportError) -> FetchedFile {
        throw TransportError(kind: .transferFailed, host: host.name, message: "\(host.name): the local shell transport does not fetch files")
    }

    func close() async {}

    /// Runs `/bin/sh -c line` the way the engine runs its own local programs (`LocalProcess`):
    /// off the cooperative pool, output in files, so a daemon it leaves behind (a deadman's
    /// timer) cannot hold the test waiting for end of file.
    private static func shell(_ line: String) async throws -> (Int32, String, String) {
        try await LocalProcess.withPrivateFolder { folder in
            let output = await LocalProcess.run("/bin/sh", ["-c", line], in: folder)
            return (output.status, output.stdout, output.stderr)
        }
    }
}

extension InventoryHost {
    /// This machine as an inventory host keeping its Warden state in `stateFolder`.
    static func local(_ name: String = "local", stateFolder: String?) -> InventoryHost {
        InventoryHost(name: name, address: "127.0.0.1", user: NSUserName(), auth: .agent(socket: nil),
                      hostKey: .pinned(fingerprint: "SHA256:none"), stateFolder: stateFolder,
                      location: SourceLocation(file: "test", line: 1, column: 1))
    }
}
