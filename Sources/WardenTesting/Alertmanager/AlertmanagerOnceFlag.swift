import Foundation

/// Set once, when an Alertmanager process is reaped (its pid may then be another process's).
final class AlertmanagerOnceFlag: @unchecked Sendable {
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
