import Foundation

/// Set once, when a child process is reaped: its pid may then be another
/// process's, so nothing may signal or wait on it again.
final class ReapedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    /// Sets it; false when it was already set.
    func set() -> Bool {
        lock.withLock {
            defer { value = true }
            return !value
        }
    }
}
