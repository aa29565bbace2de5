import Foundation

/// Awaiting what the hosts see, instead of sleeping: a test starts the
/// engine in a task, then awaits the moment it cares about.
extension InMemoryTransport {
    /// Every condition over the transport (what reached the hosts, what runs
    /// there) that an async test awaits.
    public struct WaitFailure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Returns once `condition` holds, checked now and after every change
    /// (a command arriving, starting, ending; a test's change). Fails with
    /// `WaitFailure` naming `what` after `limit` of real time, so a test
    /// waiting for something that never comes fails instead of hanging.
    public func waitUntil(_ what: String, limit: Duration = .seconds(60),
                          _ condition: @escaping @Sendable (InMemoryTransport) -> Bool) async throws(WaitFailure) {
        if condition(self) { return }
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        let reached = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            lock.withLock { watchers[id] = Watcher(condition: condition, continuation: continuation) }
            // Checked again now that it is registered: a change in between told nobody.
            notifyWatchers()
            let timer = Task.detached { [weak self] in
                do {
                    try await Task.sleep(for: limit)
                } catch {
                    return
                }
                self?.endWatcher(id, reached: false)
            }
            let registered = lock.withLock { () -> Bool in
                guard watchers[id] != nil else { return false }
                watchers[id]?.limit = timer
                return true
            }
            if !registered { timer.cancel() }
        }
        guard reached else {
            throw WaitFailure(description: "in-memory transport: not reached within \(limit): \(what)")
        }
    }

    /// Returns once a command matching `pattern` reached `host`.
    public func waitForCommand(_ pattern: CommandPattern, on host: String, limit: Duration = .seconds(60)) async throws(WaitFailure) {
        try await waitUntil("a command \(pattern) on \(host)", limit: limit) { transport in
            transport.commands(receivedBy: host).contains { pattern.matches($0) }
        }
    }

    /// Checks every watcher's condition (outside the lock: conditions read the transport).
    func notifyWatchers() {
        let pending = lock.withLock { watchers.map { ($0.key, $0.value.condition) } }
        for (id, condition) in pending where condition(self) {
            endWatcher(id, reached: true)
        }
    }

    private func endWatcher(_ id: UInt64, reached: Bool) {
        guard let watcher = lock.withLock({ watchers.removeValue(forKey: id) }) else { return }
        watcher.limit?.cancel()
        watcher.continuation.resume(returning: reached)
    }
}
