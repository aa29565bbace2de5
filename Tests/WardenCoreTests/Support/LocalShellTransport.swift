import Foundation
import WardenCore

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

    /// Runs `/bin/sh -c line` off the cooperative pool; files, not pipes, take its output, so a
    /// daemon it leaves behind (a deadman's timer) cannot hold the test waiting for end of file.
    /// posix_spawn and waitpid rather than Foundation's Process, whose wait did not return here
    /// once the child had left a daemon behind.
    private static func shell(_ line: String) async throws -> (Int32, String, String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("local-shell-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: folder) }
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let out = folder.appendingPathComponent("out").path, err = folder.appendingPathComponent("err").path
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                let arguments: [UnsafeMutablePointer<CChar>?] = ["sh", "-c", line].map { $0.withCString { strdup($0) } } + [nil]
                defer { arguments.forEach { free($0) } }
                var pid: pid_t = 0
                let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, arguments, environ)
                guard spawned == 0 else {
                    continuation.resume(throwing: POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO))
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                let stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
                let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
                let exited = (status & 0x7f) == 0
                continuation.resume(returning: (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout, stderr))
            }
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
