import Synchronization

/// The background task that keeps idle sessions alive, started on first use
/// and cancelled with its client.
final class KeepaliveTask: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func startOnce(_ body: @escaping @Sendable () async -> Void) {
        task.withLock { current in
            if current == nil { current = Task.detached(priority: .background, operation: body) }
        }
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
