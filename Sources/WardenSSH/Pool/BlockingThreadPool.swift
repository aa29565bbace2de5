import Foundation

/// A bounded set of dedicated OS threads for blocking work (every libssh
/// call, SFTP, file writes), bridged to async/await.
///
/// Swift's cooperative pool is as wide as the machine has cores (two here);
/// one blocking `ssh_connect` there would stall every task in the process.
/// Jobs run start to finish on one worker thread, which is what libssh asks
/// of a session: one thread at a time.
///
/// There is one pool per process (`shared`) and its threads never exit. A
/// thread that exits runs OpenSSL's thread-local destructors; dozens of them
/// doing so while the process exits raced `OPENSSL_cleanup` and crashed
/// warden. Parked threads cost a little memory and nothing else.
final class BlockingThreadPool: @unchecked Sendable {
    /// The process-wide pool. Its size grows to the largest concurrency asked for.
    public static let shared = BlockingThreadPool(maximumThreads: 1)

    // Guarded by `condition`.
    private var queue: [Job] = []
    private var queueHead = 0
    private var startedThreads = 0
    private var idleThreads = 0
    private var maximum: Int
    private let condition = NSCondition()

    /// The most jobs that run at once.
    var maximumThreads: Int { condition.withLock { maximum } }

    /// A unit of blocking work. `cancellation` is set when the awaiting task is cancelled.
    private struct Job {
        let body: @Sendable () -> Void
    }

    public init(maximumThreads: Int) {
        maximum = max(1, maximumThreads)
    }

    /// Lets at least `threads` jobs run at once from now on.
    func ensureCapacity(_ threads: Int) {
        condition.withLock { maximum = max(maximum, threads) }
    }

    /// Runs `body` on a worker thread and returns its result. When the calling
    /// task is cancelled, `body` sees it through the flag it is handed and
    /// decides itself how to stop (for a remote command: kill it first).
    public func run<T: Sendable>(
        _ body: @escaping @Sendable (CancellationFlag) throws -> T
    ) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                enqueue(Job {
                    do { continuation.resume(returning: try body(flag)) } catch { continuation.resume(throwing: error) }
                })
            }
        } onCancel: {
            flag.cancel()
        }
    }

    /// Queues blocking work nobody waits for (teardown when there is no one left to await it).
    func submit(_ body: @escaping @Sendable () -> Void) {
        enqueue(Job(body: body))
    }

    private func enqueue(_ job: Job) {
        condition.lock()
        queue.append(job)
        // Threads are started lazily: a run against three hosts needs three, not sixty-four.
        let pending = queue.count - queueHead
        if idleThreads < pending && startedThreads < maximum {
            startedThreads += 1
            let thread = Thread { [self] in workerLoop() }
            thread.name = "warden-ssh-\(startedThreads)"
            // libssh's deepest paths (kex, key parsing) need more than the default 512 KiB secondary-thread stack on some libcs.
            thread.stackSize = 1 << 20
            thread.start()
        } else {
            condition.signal()
        }
        condition.unlock()
    }

    private func workerLoop() {
        while true {
            condition.lock()
            while queueHead == queue.count {
                idleThreads += 1
                condition.wait()
                idleThreads -= 1
            }
            let job = queue[queueHead]
            queueHead += 1
            if queueHead > 1024 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            condition.unlock()
            job.body()
        }
    }
}
