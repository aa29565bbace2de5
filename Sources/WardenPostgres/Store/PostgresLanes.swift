import Foundation
import Synchronization

/// The store's connections: at most `count` transactions at once, each on a lane of its own
/// with a serial queue of its own, where it blocks (never on the cooperative pool, and never
/// more threads than lanes: a caller waiting for a free lane waits as a suspended task, not as
/// a blocked thread, so a burst of journal writes cannot use up Dispatch's threads).
final class PostgresLanes: Sendable {
    private struct State {
        var idle: [Int]
        var waiting: [CheckedContinuation<Int, Never>] = []
    }

    private let lanes: [PostgresLane]
    private let queues: [DispatchQueue]
    private let state: Mutex<State>

    init(_ lanes: [PostgresLane]) {
        self.lanes = lanes
        queues = lanes.indices.map { DispatchQueue(label: "warden.postgres.lane\($0)") }
        state = Mutex(State(idle: Array(lanes.indices)))
    }

    /// Runs `body` on a free lane, on that lane's own thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresLane) -> T) async -> T {
        let index = await take()
        defer { give(index) }
        let (lane, queue) = (lanes[index], queues[index])
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body(lane)) }
        }
    }

    private func take() async -> Int {
        await withCheckedContinuation { continuation in
            let free: Int? = state.withLock { state in
                if let index = state.idle.popLast() { return index }
                state.waiting.append(continuation)
                return nil
            }
            if let free { continuation.resume(returning: free) }
        }
    }

    private func give(_ index: Int) {
        let next: CheckedContinuation<Int, Never>? = state.withLock { state in
            if state.waiting.isEmpty {
                state.idle.append(index)
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: index)
    }
}
