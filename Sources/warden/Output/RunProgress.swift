import Foundation
import WardenCore

/// Shows a run's progress as it happens, on standard error.
protocol RunProgressDisplay: Sendable {
    func handle(_ event: RunEvent)
    /// The run ended: leave the screen clean for the report.
    func finish()
}

/// Progress as plain lines, for logs and pipes: a line when a step starts,
/// when each host finishes, and when the step finishes. A reason quoting a
/// host stays on its line (`VisibleText.line`).
final class RunProgress: RunProgressDisplay {
    func handle(_ event: RunEvent) {
        switch event {
        case let .stepStarted(id):
            Terminal.writeError(VisibleText.line("-> \(id)") + "\n")
        case .hostStarted:
            break
        case let .hostFinished(step, host):
            Terminal.writeError(VisibleText.line("   \(step) \(host.host): \(host.status.rawValue)" + (host.reason.map { " (\($0))" } ?? "")) + "\n")
        case let .stepFinished(step):
            Terminal.writeError(VisibleText.line("   \(step.id): \(step.status.rawValue) — \(step.summary)") + "\n")
        }
    }

    func finish() {}

    /// The display that suits standard error: live on a terminal, plain lines otherwise.
    static func forStandardError() -> any RunProgressDisplay {
        Terminal.stderrIsInteractive ? LiveRunProgress() : RunProgress()
    }
}
