import Foundation
import Synchronization

/// The store's connections: at most `count` transactions at once, each on a lane of its own,
/// run on a Dispatch thread (blocking there, not on the cooperative pool).
final class PostgresLanes: Sendable {
    private let idle: Mutex<[PostgresLane]>
    private let available: DispatchSemaphore
    private let queue = DispatchQueue(label: "warden.postgres", attributes: .concurrent)

    init(_ lanes: [PostgresLane]) {
        idle = Mutex(lanes)
        available = DispatchSemaphore(value: lanes.count)
    }

    /// Runs `body` on a free lane, off the cooperative pool.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresLane) -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { [self] in
                available.wait()
                let lane = idle.withLock { $0.removeLast() }
                let result = body(lane)
                idle.withLock { $0.append(lane) }
                available.signal()
                continuation.resume(returning: result)
            }
        }
    }
}
