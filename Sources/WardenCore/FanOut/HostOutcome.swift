/// What happened on one host: the command's result, or why it could not run.
public struct HostOutcome: Sendable {
    public var host: InventoryHost
    public var result: Result<CommandResult, TransportError>
    /// Wall time on this host, connecting included.
    public var elapsed: Duration

    public init(host: InventoryHost, result: Result<CommandResult, TransportError>, elapsed: Duration) {
        self.host = host
        self.result = result
        self.elapsed = elapsed
    }

    /// The command ran and exited 0.
    public var succeeded: Bool {
        if case .success(let result) = result { return result.succeeded }
        return false
    }
}
