import WardenCore
import WardenSSH

/// The engine's `HostTransport` over libssh: inventory hosts become SSH
/// targets, SSH results and failures become the engine's types.
public final class SSHTransport: HostTransport {
    private let client: SSHClient
    private let acceptNewHostKeys: Bool

    /// - Parameters:
    ///   - concurrency: hosts worked on at once (the SSH thread pool's size).
    ///   - acceptNewHostKeys: record the key of a host missing from its
    ///     known_hosts file instead of refusing it. Changed keys are refused regardless.
    public init(concurrency: Int = 64, acceptNewHostKeys: Bool = false) {
        self.client = SSHClient(settings: SSHClientSettings(concurrency: concurrency))
        self.acceptNewHostKeys = acceptNewHostKeys
    }

    public func run(_ command: RemoteCommand, on host: InventoryHost,
                    onOutput: (@Sendable (OutputStream, String) -> Void)?) async throws(TransportError) -> CommandResult {
        try await run(command, on: host, onOutput: onOutput, onStarted: nil)
    }

    public func run(_ command: RemoteCommand, on host: InventoryHost, onOutput: (@Sendable (OutputStream, String) -> Void)?,
                    onStarted: (@Sendable (RemoteProcessGroup) -> Void)?) async throws(TransportError) -> CommandResult {
        var request = ExecRequest(
            command: command.line, deadline: command.timeout,
            outputLimit: OutputLimit(head: command.outputLimit / 2, tail: command.outputLimit - command.outputLimit / 2),
            secretFiles: command.secretFiles.map { Array($0.utf8) })
        if let deadline = command.sendBefore { request.sendBefore = { deadline.instant } }
        if let become = command.become {
            request.become = ExecBecome(user: become.user, password: become.password.map { Array($0.utf8) })
        }
        if let onStarted {
            request.onProcessGroup = { group, start in onStarted(RemoteProcessGroup(id: group, startTime: start)) }
        }
        var forward: (@Sendable (OutputChunk) -> Void)?
        if let onOutput {
            forward = { chunk in
                onOutput(chunk.stream == .stderr ? .stderr : .stdout, String(decoding: chunk.bytes, as: UTF8.self))
            }
        }
        let target = target(for: host)
        do {
            return CommandResult(try await client.exec(request, on: target, onOutput: forward))
        } catch {
            throw TransportError(error, host: host)
        }
    }

    public func fetch(_ remotePath: String, from host: InventoryHost, to localPath: String,
                      limits: FetchLimits) async throws(TransportError) -> FetchedFile {
        let bounds = DownloadLimits(maxBytes: limits.maxBytes, timeout: limits.timeout, followSymlinks: limits.followSymlinks)
        do {
            let file = try await client.download(remotePath, from: target(for: host), to: localPath, limits: bounds)
            return FetchedFile(localPath: file.localPath, bytes: file.bytes, sha256: file.sha256, duration: file.duration)
        } catch {
            throw TransportError(error, host: host)
        }
    }

    public func close() async {
        await client.close()
    }

    /// The SSH view of an inventory host, under this transport's host-key acceptance.
    public func target(for host: InventoryHost) -> SSHTarget {
        let authentication: SSHAuthentication = switch host.auth {
        case .keyFile(let path, let variable): .keyFile(path: path, passphraseEnvironmentVariable: variable)
        case .agent(let socket): .agent(socket: socket)
        }
        let policy: HostKeyPolicy = switch host.hostKey {
        case .knownHosts(let path): .knownHosts(path: path, acceptNew: acceptNewHostKeys)
        case .pinned(let fingerprint): .pinned(fingerprint: fingerprint)
        }
        var target = SSHTarget(name: host.name, address: host.address, port: host.port, user: host.user,
                               authentication: authentication, hostKeyPolicy: policy, connectTimeout: host.connectTimeout)
        target.certificate = host.certificate
        // Each hop is its own inventory host, reached directly: the chain is the target's.
        target.jump = host.jump.hops.map { self.target(for: $0.withoutJump) }
        return target
    }
}
