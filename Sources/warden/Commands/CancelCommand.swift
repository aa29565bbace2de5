import ArgumentParser
import Foundation
import WardenCore

/// `warden cancel RUN --reason TEXT`: asks, through the journal, that a running run stop,
/// whoever carries it: a `warden serve` controller on this or another machine (sharing the
/// journal), or a `warden run` at another terminal. The carrier stops it at its next lease
/// renewal (within a third of its lease; at once for a controller signalled by PostgreSQL) as
/// Ctrl-C would: remote commands are killed and cleanup runs. The journal says who and why.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Ask that a running run stop, wherever it runs; its cleanup runs.",
        discussion: """
            The request is kept on the run in the journal: the terminal or controller carrying it \
            stops it at its next lease renewal, and a controller that adopts it from a dead one \
            stops it too. Follow it with `warden show RUN`.
            """)

    @Argument(help: "The run to stop (warden runs lists them).")
    var run: String

    @Option(help: "Why, for the journal and whoever finds the run stopped.")
    var reason: String

    @OptionGroup var state: StateOptions

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--reason must say why the run is cancelled")
        }
    }

    func run() async throws {
        let journal = try await state.open()
        let me = OperatingSystemUser.name
        let asked: JournalRun
        do throws(JournalError) {
            asked = try await journal.acting(as: me).requestStop(run: run, by: me, reason: reason.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            switch error.kind {
            case .noSuchRun: throw InvalidInput(description: "no run '\(VisibleText.line(run))' in the journal \(journal.path)")
            case .alreadyClaimed:
                Terminal.writeError(VisibleText.line("warden: \(error.description)") + "\n")
                throw ExitStatus.failure
            default: throw error
            }
        }
        Terminal.write(VisibleText.line("Asked run \(run) of '\(asked.runbook)' to stop; \(asked.controller) carries it and stops it at its next lease renewal, cleanup included.") + "\n")
        Terminal.write("Follow it with: warden show \(run)\n")
    }
}
