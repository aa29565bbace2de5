import Foundation

/// Kills a child process with SIGKILL if it is still running after a while
/// of real time: the guard that makes a test with a hung process fail
/// instead of hanging the whole test run.
final class ProcessDeadline: @unchecked Sendable {
    private let lock = NSLock()
    private var state: (armed: Bool, fired: Bool) = (true, false)

    init(pid: pid_t, after limit: Duration) {
        let (seconds, attoseconds) = limit.components
        let delay = DispatchTimeInterval.nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
            // Checked and killed under the lock: the owner disarms it before reaping the child,
            // after which its pid may be given to another process.
            lock.withLock {
                guard state.armed else { return }
                state.fired = true
                kill(pid, SIGKILL)
            }
        }
    }

    /// Called once the child ended and before it is reaped; whether the deadline had killed it.
    func disarm() -> Bool {
        lock.withLock {
            state.armed = false
            return state.fired
        }
    }
}
