import Foundation

/// Runs blocking work (starting sshd fleets, waiting for processes) on a
/// thread of its own. Tests run in parallel on Swift's cooperative pool,
/// which has one thread per core; blocking it would stall every other test
/// and make their measured times meaningless.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
