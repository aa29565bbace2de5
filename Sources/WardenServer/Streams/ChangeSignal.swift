import Foundation
import Synchronization

/// Wakes whoever waits for the journal to change: every write this process
/// makes signals it, so a stream delivers an event as soon as it is
/// journaled instead of on the next poll. (Writes by other processes sharing
/// the state folder, a terminal's `warden run`, are found by the timeout.)
final class ChangeSignal: Sendable {
    private let waiters = Mutex<[UUID: CheckedContinuation<Void, Never>]>([:])

    /// Wakes every waiter.
    func notify() {
        let woken = waiters.withLock { waiters in
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns at the next `notify`, after `timeout`, or when the task is cancelled, whichever is first.
    func wait(timeout: Duration) async {
        let id = UUID()
        let timer = Mutex<Task<Void, Never>?>(nil)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let cancelled = waiters.withLock { waiters in
                    if Task.isCancelled { return true }
                    waiters[id] = continuation
                    return false
                }
                if cancelled {
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
        waiters.withLock { $0.removeValue(forKey: id) }?.resume()
    }
}
