/// Runs one command on many hosts at once, at most `concurrency` at a time,
/// and reports every host's outcome: the first step of every runbook, and
/// the whole of `warden exec`.
public struct FanOut: Sendable {
    public var transport: any HostTransport
    public var concurrency: Int

    public init(transport: any HostTransport, concurrency: Int) {
        self.transport = transport
        self.concurrency = max(1, concurrency)
    }

    /// One outcome per host, in the order the hosts were given. Never throws:
    /// a host that fails is an outcome like any other. Cancelling the calling
    /// task cancels the running commands (their processes are killed) and
    /// reports the hosts not yet started as cancelled.
    public func run(_ command: RemoteCommand, on hosts: [InventoryHost],
                    observer: (@Sendable (FanOutEvent) -> Void)? = nil) async -> [HostOutcome] {
        let transport = self.transport
        return await ConcurrentMap.map(hosts, limit: concurrency) { host in
            observer?(.started(host: host.name))
            let clock = ContinuousClock()
            let start = clock.now
            let outcome: HostOutcome
            if Task.isCancelled {
                outcome = HostOutcome(host: host, result: .failure(TransportError(
                    kind: .cancelled, host: host.name,
                    message: "\(host.name): cancelled before it started; nothing ran on the host")), elapsed: .zero)
            } else {
                do throws(TransportError) {
                    let result = try await transport.run(command, on: host)
                    outcome = HostOutcome(host: host, result: .success(result), elapsed: clock.now - start)
                } catch {
                    outcome = HostOutcome(host: host, result: .failure(error), elapsed: clock.now - start)
                }
            }
            observer?(.finished(outcome))
            return outcome
        }
    }
}

/// Progress of a fan-out, for live display.
public enum FanOutEvent: Sendable {
    case started(host: String)
    case finished(HostOutcome)
}
