import Foundation

/// Runs blocking work (system calls on files, a local process, opening a
/// database) on a global dispatch queue and waits for it: the cooperative
/// thread pool is only as wide as the machine has cores, and a thread held
/// there by the disk holds back every task. The error keeps its type.
func offThePool<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result: Result<T, E> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(returning: Result { () throws(E) -> T in try body() })
        }
    }
    return try result.get()
}
