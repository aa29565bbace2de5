import Foundation
import WardenCore

/// Scripting the hosts, and reading back what reached them.
extension InMemoryTransport {
    /// Commands matching `pattern` on `host` (nil: on every host) get `reply`.
    /// Rules added later win over earlier ones.
    public func on(_ pattern: CommandPattern, host: String? = nil, reply: InMemoryReply) {
        on(pattern, host: host) { _, _ in reply }
    }

    /// Commands matching `pattern` on `host` (nil: on every host) are answered
    /// by `handler`, which may read and change the host's state (it runs
    /// under the transport's lock, one command at a time).
    public func on(_ pattern: CommandPattern, host: String? = nil,
                   _ handler: @escaping @Sendable (RemoteCommand, inout InMemoryHostState) -> InMemoryReply) {
        lock.withLock { rules.append(Rule(pattern: pattern, host: host, answer: handler)) }
    }

    /// Sets one of `host`'s variables.
    public func set(_ variable: String, to value: String?, on host: String) {
        update(host) { $0.state.variables[variable] = value }
    }

    /// One of `host`'s variables, as the commands left it.
    public func variable(_ name: String, on host: String) -> String? {
        lock.withLock { hosts[host]?.state.variables[name] }
    }

    /// Puts a file on `host` (nil removes it), for a fetch to find.
    public func setFile(_ path: String, _ file: InMemoryFile?, on host: String) {
        update(host) { $0.state.files[path] = file }
    }

    /// `host`'s state: its variables and files.
    public func state(of host: String) -> InMemoryHostState {
        lock.withLock { hosts[host]?.state ?? InMemoryHostState(name: host) }
    }

    /// Every command line that reached `host`, oldest first (Warden's host state scripts included).
    public func commands(receivedBy host: String) -> [String] {
        received(by: host).map(\.line)
    }

    /// Every command that reached `host`, with its timeout and secret files, oldest first.
    public func received(by host: String) -> [RemoteCommand] {
        lock.withLock { hosts[host]?.received ?? [] }
    }

    /// Every path a fetch asked `host` for, oldest first.
    public func fetches(from host: String) -> [String] {
        lock.withLock { hosts[host]?.fetched ?? [] }
    }

    /// Changes one host's record under the lock, then tells anyone waiting.
    func update(_ host: String, _ change: (inout InMemoryHost) -> Void) {
        lock.withLock {
            var record = hosts[host] ?? InMemoryHost(name: host)
            change(&record)
            hosts[host] = record
        }
        notifyWatchers()
    }
}
