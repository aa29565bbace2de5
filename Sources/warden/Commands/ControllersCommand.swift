import ArgumentParser
import Foundation
import WardenCore

/// `warden controllers`: the `warden serve` controllers that use the journal, whether each is
/// alive by its heartbeat (on the journal's clock), and the runs each carries with their leases.
struct ControllersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controllers",
        abstract: "List the warden serve controllers sharing the journal and the runs each carries.",
        discussion: """
            A controller is alive while its heartbeat is recent (every few seconds), silent when it \
            has said nothing for \(Int(ControllerView.silentAfter)) s (dead, frozen or cut off from the \
            journal: its runs are adopted by another controller once their leases lapse), and stopped \
            after a graceful stop. Useful with --state postgres://… to see every controller of a shared journal.
            """)

    @OptionGroup var state: StateOptions

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() async throws {
        let journal = try await state.open()
        let views = try await journal.controllerViews()
        switch output {
        case .json:
            Terminal.writeJSON(try JSONText.encode(views) + "\n")
        case .text:
            guard !views.isEmpty else {
                Terminal.write("No controller has used this journal (warden serve registers itself when it starts).\n")
                return
            }
            for view in views {
                let record = view.record
                var line = "\(record.id)  \(view.state.rawValue)  listens on \(record.listen)  Warden \(record.version)"
                line += "  heartbeat \(Self.age(view.heartbeatAge)) ago  up since \(JournalText.time(record.startedAt))"
                if let stopped = record.stoppedAt { line += "  stopped at \(JournalText.time(stopped))" }
                Terminal.write(VisibleText.line(line) + "\n")
                for run in view.runs {
                    let lease = run.leaseRemaining.map { $0 >= 0 ? "lease \(Self.age($0)) left" : "lease lapsed \(Self.age(-$0)) ago" } ?? "no lease"
                    Terminal.write(VisibleText.line("  run \(run.runID)  \(run.runbook)  (\(run.trigger), epoch \(run.epoch))  \(lease)") + "\n")
                }
            }
        }
    }

    /// `4.2 s`, `3 min`.
    static func age(_ seconds: Double) -> String {
        seconds < 120 ? String(format: "%.1f s", seconds) : "\(Int(seconds / 60)) min"
    }
}
