import Foundation

/// Runs blocking or CPU-heavy test work on a thread of its own.
///
/// Swift Testing runs tests in parallel on the cooperative pool, which has one
/// thread per core (two here). A test that blocks it (waiting for a process)
/// or holds it for seconds (parsing 10 MB of garbage) stalls every other test
/// in the process, and turns their measured times into nonsense.
public func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
