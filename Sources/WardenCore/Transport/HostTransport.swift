/// How the engine reaches hosts. The engine only ever talks to this
/// protocol, so it can be exercised without SSH, and the SSH layer without
/// the engine; `WardenSSHTransport` is the production implementation.
public protocol HostTransport: Sendable {
    /// Runs one command on one host. Failures to reach, trust or authenticate
    /// the host, timeouts and cancellation are thrown as `TransportError`;
    /// a command that ran and exited non-zero is a result, not an error.
    func run(_ command: RemoteCommand, on host: InventoryHost,
             onOutput: (@Sendable (OutputStream, String) -> Void)?) async throws(TransportError) -> CommandResult

    /// Copies a remote file to the controller, atomically and hashed.
    func fetch(_ remotePath: String, from host: InventoryHost, to localPath: String) async throws(TransportError) -> FetchedFile

    /// Closes every connection the transport holds.
    func close() async
}

extension HostTransport {
    public func run(_ command: RemoteCommand, on host: InventoryHost) async throws(TransportError) -> CommandResult {
        try await run(command, on: host, onOutput: nil)
    }
}

/// Which output stream a piece of text came from.
public enum OutputStream: String, Sendable, Codable {
    case stdout, stderr
}
