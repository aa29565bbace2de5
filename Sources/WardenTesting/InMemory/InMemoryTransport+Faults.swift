import Foundation
import WardenCore

/// What goes wrong on purpose: hosts that cannot be reached, commands ended
/// from outside, commands left running by a controller that died.
extension InMemoryTransport {
    /// From now on, connecting to `host` fails with `kind` (`unreachable`,
    /// `connectTimeout`, `hostKeyUnknown`, `hostKeyChanged`, `authFailed`,
    /// `invalidConfiguration`) before anything reaches it.
    public func failConnections(to host: String, with kind: TransportError.Kind = .unreachable) {
        update(host) { $0.connectionFailure = kind }
    }

    /// `host` can be reached again.
    public func restoreConnections(to host: String) {
        update(host) { $0.connectionFailure = nil }
    }

    /// How many commands are under way (hanging, or taking their time) on
    /// `host` (nil: on every host).
    public func runningCount(on host: String? = nil) -> Int {
        lock.withLock { waiting.values.filter { host == nil || $0.host == host }.count }
    }

    /// Ends every command under way on `host` with `reply`: by default
    /// killed by SIGKILL, as the OOM killer or an operator would.
    /// Returns how many were ended.
    @discardableResult
    public func finishRunning(on host: String, with reply: InMemoryReply = .killed(signal: "KILL")) -> Int {
        let ids = lock.withLock { waiting.filter { $0.value.host == host }.map(\.key) }
        for id in ids { endWaiting(id, with: .ended(reply)) }
        return ids.count
    }

    /// The next connection to `host` takes `duration` on the transport's clock before its command
    /// can leave (a loaded sshd, a slow handshake): a command whose hold's deadline
    /// (`RemoteCommand.sendBefore`) passed meanwhile is refused unsent, as the SSH transport
    /// refuses it at the last moment.
    public func slowNextConnection(to host: String, by duration: Duration) {
        update(host) { $0.slowConnection = duration }
    }

    /// A process group still running on `host`, as a command the dead
    /// controller started and journaled (`process-group`) leaves it: a
    /// resume's leftover probe finds it `running` until it is killed (the
    /// resume's `--leftovers kill`) or `endProcessGroup` ends it.
    public func keepRunning(processGroup id: Int32, on host: String) {
        update(host) { _ = $0.liveGroups.insert(id) }
    }

    /// The process group ends by itself.
    public func endProcessGroup(_ id: Int32, on host: String) {
        update(host) { _ = $0.liveGroups.remove(id) }
    }

    /// The process groups alive on `host`: its commands under way, and the leftovers declared.
    public func processGroups(on host: String) -> Set<Int32> {
        lock.withLock { hosts[host]?.liveGroups ?? [] }
    }

    /// Whether process group `id` runs on `host`.
    public func isRunning(processGroup id: Int32, on host: String) -> Bool {
        lock.withLock { hosts[host]?.liveGroups.contains(id) ?? false }
    }

    /// From now on, every host state script on `host` (deadmen, lock
    /// directories, the folder check) is refused as an unsafe folder (or, with
    /// `.cannotCreate`, one that cannot be made) with `message`; nil lifts it.
    public func refuseHostState(on host: String, _ kind: HostStateError.Kind = .unsafe, message: String?) {
        update(host) { record in record.stateFolderRefusal = message.map { (kind, $0) } }
    }
}
