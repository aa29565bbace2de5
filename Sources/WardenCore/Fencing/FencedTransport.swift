/// A run's transport that asks its `RunLease` before every command and fetch: once another
/// controller has adopted the run, or while this one cannot confirm it still holds it, nothing
/// leaves for any host (`TransportError.Kind.notSent`). The journal's fence refuses the
/// intent of a change anyway; this also stops the probes, verifies and cleanup that a
/// controller which lost its run would otherwise still send.
public struct FencedTransport: HostTransport {
    public let base: any HostTransport
    public let lease: RunLease

    public init(base: any HostTransport, lease: RunLease) {
        self.base = base
        self.lease = lease
    }

    /// How many times a command refused unsent at its deadline is tried again once the hold is
    /// confirmed: enough for a slow first connection, and bounded for a host whose connections
    /// always take longer than the hold can vouch for.
    static let attempts = 3

    public func run(_ command: RemoteCommand, on host: InventoryHost,
                    onOutput: (@Sendable (OutputStream, String) -> Void)?) async throws(TransportError) -> CommandResult {
        try await run(command, on: host, onOutput: onOutput, onStarted: nil)
    }

    /// Sends the command once the hold allows it. A command the transport refused unsent because
    /// its deadline passed on the way (a connection slower than the rest of the hold) is sent
    /// again once the journal confirms the hold: nothing of it left, so nothing runs twice. Only
    /// a hold that is lost (or cannot be confirmed) stops it.
    public func run(_ command: RemoteCommand, on host: InventoryHost, onOutput: (@Sendable (OutputStream, String) -> Void)?,
                    onStarted: (@Sendable (RemoteProcessGroup) -> Void)?) async throws(TransportError) -> CommandResult {
        var attempt = 1
        while true {
            // A hold that is lost is said as it is, and not tried again.
            let marked = try await permitted(command, host)
            do {
                return try await base.run(marked, on: host, onOutput: onOutput, onStarted: onStarted)
            } catch where error.kind == .notSent && attempt < FencedTransport.attempts {
                attempt += 1
            } catch where error.kind == .notSent {
                throw TransportError(kind: .notSent, host: host.name, message: """
                    \(host.name): not sent: the connection took longer than this controller's hold on the run could vouch for \
                    (two thirds of runs.lease), \(FencedTransport.attempts) times; nothing was sent. Check the host's sshd and the \
                    journal's latency, or lengthen runs.lease
                    """)
            }
        }
    }

    /// The command once the hold allows it, marked to be sent before the hold ends: a process
    /// paused between this check and the send (where no check here can reach) is refused by the
    /// transport at the last moment.
    private func permitted(_ command: RemoteCommand, _ host: InventoryHost) async throws(TransportError) -> RemoteCommand {
        try await permit(host)
        var marked = command
        marked.sendBefore = lease.sendBefore
        return marked
    }

    public func fetch(_ remotePath: String, from host: InventoryHost, to localPath: String,
                      limits: FetchLimits) async throws(TransportError) -> FetchedFile {
        try await permit(host)
        return try await base.fetch(remotePath, from: host, to: localPath, limits: limits)
    }

    public func close() async {
        await base.close()
    }

    private func permit(_ host: InventoryHost) async throws(TransportError) {
        do {
            try await lease.permit()
        } catch {
            throw TransportError(kind: .notSent, host: host.name, message: "\(host.name): not sent: \(error.description)")
        }
    }
}
