import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into cancellation of the running work, so that
/// remote commands are killed on the hosts rather than left running. A
/// second signal while stopping exits at once.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var signalled = 0
    private var onFirst: @Sendable () -> Void
    private var onSecond: (@Sendable () -> Void)?

    /// `onSecond` replaces the default of a second signal (exit at once):
    /// a run in cleanup asks before giving it up.
    init(onFirst: @escaping @Sendable () -> Void, onSecond: (@Sendable () -> Void)? = nil) {
        self.onFirst = onFirst
        self.onSecond = onSecond
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let (count, onFirst, onSecond) = self.lock.withLock { () -> (Int, @Sendable () -> Void, (@Sendable () -> Void)?) in
                    self.signalled += 1
                    return (self.signalled, self.onFirst, self.onSecond)
                }
                if count == 1 {
                    Terminal.writeError("\nwarden: stopping: killing the remote commands (press Ctrl-C again to exit at once)\n")
                    onFirst()
                } else if let onSecond {
                    onSecond()
                } else {
                    Terminal.writeError("\nwarden: exiting without waiting; remote commands may still be running\n")
                    ExitStatus.interrupted.terminate()
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    var wasInterrupted: Bool { lock.withLock { signalled > 0 } }

    /// Points the handler at the next piece of work. A handler is made once
    /// per command: libdispatch installs its signal plumbing once per signal,
    /// and a second handler after a first was cancelled would never hear one.
    func retarget(onFirst: @escaping @Sendable () -> Void, onSecond: (@Sendable () -> Void)? = nil) {
        lock.withLock {
            self.onFirst = onFirst
            self.onSecond = onSecond
        }
    }

    /// What the first signal does now: a caller that only changes the second keeps it.
    var currentFirst: @Sendable () -> Void {
        lock.withLock { onFirst }
    }

    func cancel() {
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }
}
