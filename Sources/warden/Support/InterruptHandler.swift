import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into cancellation of the running work, so that
/// remote commands are killed on the hosts rather than left running. A
/// second signal while stopping exits at once.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var signalled = 0

    init(onFirst: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let count = self.lock.withLock { () -> Int in self.signalled += 1; return self.signalled }
                if count == 1 {
                    Terminal.writeError("\nwarden: stopping: killing the remote commands (press Ctrl-C again to exit at once)\n")
                    onFirst()
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

    func cancel() {
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }
}
