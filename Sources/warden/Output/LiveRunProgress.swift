import Foundation
import WardenCore

/// Progress on a terminal: finished hosts and steps scroll by as lines, and
/// below them a live block with one line per host still running (its step
/// and how long it has been at it), redrawn as time passes, so an operator
/// sees at once which host a step is waiting on.
final class LiveRunProgress: RunProgressDisplay, @unchecked Sendable {
    private let lock = NSLock()
    private var running: [(step: String, host: String, since: ContinuousClock.Instant)] = []
    /// Lines of the live block currently on screen, under the cursor's line.
    private var drawn = 0
    private var ticker: Task<Void, Never>?
    /// Past this many running hosts the block says how many more there are.
    private let shownAtMost = 12

    init() {
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                self?.redraw()
            }
        }
    }

    func handle(_ event: RunEvent) {
        lock.withLock {
            switch event {
            case let .stepStarted(id):
                print("-> \(id)")
            case let .hostStarted(step, host):
                running.append((step, host, .now))
            case let .hostFinished(step, report):
                let started = running.first { $0.step == step && $0.host == report.host }?.since
                running.removeAll { $0.step == step && $0.host == report.host }
                let took = started.map { " " + Self.seconds(ContinuousClock.now - $0) } ?? ""
                let mark = report.status == .failed ? "FAIL" : report.status == .ok ? "ok  " : report.status.rawValue
                print("   \(mark) \(report.host)\(took)" + (report.reason.map { " (\($0))" } ?? ""))
            case let .stepFinished(step):
                print("   \(step.id): \(step.status.rawValue) — \(step.summary)")
            }
            draw()
        }
    }

    func finish() {
        ticker?.cancel()
        lock.withLock {
            running.removeAll()
            erase()
        }
    }

    private func redraw() {
        lock.withLock { draw() }
    }

    /// A line above the live block, which stays.
    private func print(_ line: String) {
        erase()
        Terminal.writeError(Self.fit(line) + "\n")
    }

    /// Moves up over the live block and clears it.
    private func erase() {
        guard drawn > 0 else { return }
        Terminal.writeError(.eraseLinesAbove(drawn))
        drawn = 0
    }

    private func draw() {
        erase()
        guard !running.isEmpty else { return }
        var lines = running.prefix(shownAtMost).map { entry in
            "   ... \(entry.host) running \(entry.step) for \(Self.seconds(ContinuousClock.now - entry.since))"
        }
        if running.count > shownAtMost { lines.append("   ... and \(running.count - shownAtMost) more hosts running") }
        Terminal.writeError(lines.map { Self.fit($0) + "\n" }.joined())
        drawn = lines.count
    }

    /// Made visible (a step id or a reason with a line break in it would
    /// forge a line and throw off the count of lines to erase), and cut to
    /// the terminal's width, for the same reason.
    private static func fit(_ text: String) -> String {
        let line = VisibleText.line(text)
        let width = max(20, Terminal.columns - 1)
        return line.count > width ? String(line.prefix(width - 1)) + "…" : line
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.1fs", duration.milliseconds / 1000)
    }
}
