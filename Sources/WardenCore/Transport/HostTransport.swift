/// How the engine reaches hosts. The engine only ever talks to this
/// protocol, so it can be exercised without SSH, and the SSH layer without
/// the engine; `WardenSSHTransport` is the production implementation.
public protocol HostTransport: Sendable {
    /// Runs one command on one host. Failures to reach, trust or authenticate
    /// the host, timeouts and cancellation are thrown as `TransportError`;
    /// a command that ran and exited non-zero is a result, not an error.
    func run(_ command: RemoteCommand, on host: InventoryHost,
             onOutput: (@Sendable (OutputStream, String) -> Void)?) async throws(TransportError) -> CommandResult

    /// As `run(_:on:onOutput:)`, and `onStarted` is told the command's
    /// process group on the host once it is known (a transport that cannot
    /// tell never calls it), so that the run can journal it.
    func run(_ command: RemoteCommand, on host: InventoryHost, onOutput: (@Sendable (OutputStream, String) -> Void)?,
             onStarted: (@Sendable (RemoteProcessGroup) -> Void)?) async throws(TransportError) -> CommandResult

    /// Copies a remote regular file to the controller, atomically and hashed,
    /// within `limits`. A symbolic link (unless `limits.followSymlinks`), a
    /// file that is not regular, over `limits.maxBytes`, or that changes
    /// while it is read is refused (`transferRefused`); one that runs past
    /// `limits.timeout` is stopped (`transferTimedOut`). Nothing is left at
    /// `localPath` when the fetch fails.
    func fetch(_ remotePath: String, from host: InventoryHost, to localPath: String,
               limits: FetchLimits) async throws(TransportError) -> FetchedFile

    /// Closes every connection the transport holds.
    func close() async
}

extension HostTransport {
    public func run(_ command: RemoteCommand, on host: InventoryHost, onOutput: (@Sendable (OutputStream, String) -> Void)?,
                    onStarted: (@Sendable (RemoteProcessGroup) -> Void)?) async throws(TransportError) -> CommandResult {
        try await run(command, on: host, onOutput: onOutput)
    }

    public func run(_ command: RemoteCommand, on host: InventoryHost) async throws(TransportError) -> CommandResult {
        try await run(command, on: host, onOutput: nil)
    }
}

/// Which output stream a piece of text came from.
public enum OutputStream: String, Sendable, Codable {
    case stdout, stderr
}
