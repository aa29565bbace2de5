import Foundation
import Synchronization

/// Wakes whoever waits for the journal to change: every write this process
/// makes signals it, so a stream delivers an event as soon as it is
/// journaled instead of on the next poll. (Writes by other processes sharing
/// the state folder, a terminal's `warden run`, are found by the timeout.)
///
/// A waiter says which change it last saw (`generation`, read before it read
/// the journal), so a write that lands between its read and its wait still
/// wakes it at once instead of being lost until the timeout.
final class ChangeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Changes seen so far; read it before reading the journal, pass it to `wait`.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    func notify() {
        let woken = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns at once if the journal changed since `seen`; else at the next `notify`, after
    /// `timeout`, or when the task is cancelled, whichever is first.
    func wait(since seen: UInt64, timeout: Duration) async {
        let id = UUID()
        let timer = Mutex<Task<Void, Never>?>(nil)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let registered = state.withLock { state in
                    guard !Task.isCancelled, state.generation == seen else { return false }
                    state.waiters[id] = continuation
                    return true
                }
                guard registered else {
                    continuation.resume()
                    return
                }
                // Started once the waiter is registered, so its wake-up cannot come before there is anyone to wake.
                timer.withLock { $0 = Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.wake(id)
                } }
            }
        } onCancel: {
            self.wake(id)
        }
        timer.withLock { $0?.cancel() }
    }

    private func wake(_ id: UUID) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }
}
