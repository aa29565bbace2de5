import Foundation
import WardenCore

/// Live progress of a fan-out on a terminal: a line per host as it finishes,
/// and a status line at the bottom that counts what is done and running.
final class ProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private var running: [String] = []
    private var done = 0
    private var failed = 0

    init(total: Int) {
        self.total = total
    }

    func handle(_ event: FanOutEvent) {
        lock.withLock {
            switch event {
            case .started(let host):
                running.append(host)
            case .finished(let outcome):
                running.removeAll { $0 == outcome.host.name }
                done += 1
                if !outcome.succeeded { failed += 1 }
                Terminal.writeError(.clearLine, then: ExecReport.progressLine(outcome) + "\n")
            }
            drawStatus()
        }
    }

    func finish() {
        lock.withLock { Terminal.writeError(.clearLine) }
    }

    private func drawStatus() {
        var line = "[\(done)/\(total)] \(failed) failed, \(running.count) running"
        if !running.isEmpty { line += ": " + running.prefix(8).joined(separator: " ") + (running.count > 8 ? " …" : "") }
        Terminal.writeError(.clearLine, then: String(VisibleText.line(line).prefix(max(20, Terminal.columns - 1))))
    }
}

extension Terminal {
    /// The terminal's width, or 120 when it cannot be told.
    static var columns: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 120
    }
}
