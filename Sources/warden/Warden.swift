import ArgumentParser
import Foundation
import Logging
import WardenCore

/// The `warden` command: guarded runbooks and ad-hoc commands over SSH.
@main
struct Warden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Guarded remediation and runbook automation over SSH.",
        discussion: """
            Exit status: 0 success; 1 a host failed or the run was aborted; 2 invalid input \
            (usage, inventory, host selection).
            """,
        version: WardenVersion.current,
        subcommands: [ExecCommand.self, ValidateCommand.self, PlanCommand.self, RunCommand.self, RunsCommand.self, ShowCommand.self, DecisionsCommand.self, SchedulesCommand.self, LogCommand.self, ApproveCommand.self, DenyCommand.self, ResumeCommand.self, CancelCommand.self, LocksCommand.self, ControllersCommand.self, AuditCommand.self, ParseCommand.self, TokenCommand.self, ServeCommand.self, MonitorCommand.self]
    )

    /// Parses and runs, mapping failures to Warden's exit statuses: usage and
    /// validation errors exit 2 (argument-parser's default is 64).
    static func main() async {
        CoreDumps.forbid()
        FileDescriptorLimit.raiseToHardLimit()
        do {
            var command = try parseAsRoot()
            // Logging is set up once, before anything makes a logger (the SSH client does).
            let level = (command as? EngineCommand)?.engine.resolvedLogLevel ?? (command as? ServeCommand)?.resolvedLogLevel ?? .warning
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitStatus {
            exit.terminate()
        } catch let refused as RunSessionError {
            // The engine's refusals: invalid input exits 2, a held lock 3, anything else 1
            // (Terminal makes what they quote visible, as it does all text).
            switch refused.kind {
            case .invalidInput:
                Terminal.writeError(InvalidInput.line(refused.description) + "\n")
                ExitStatus.invalidInput.terminate()
            case .blocked:
                Terminal.writeError("warden: \(refused.description)\n")
                ExitStatus.blocked.terminate()
            case .failed:
                Terminal.writeError("warden: \(refused.description)\n")
                ExitStatus.failure.terminate()
            case .declined:
                Terminal.write(refused.description.prefix(1).uppercased() + refused.description.dropFirst() + ".\n")
                ExitStatus.failure.terminate()
            }
        } catch let invalid as InvalidInput {
            Terminal.writeError(InvalidInput.line(invalid.description) + "\n")
            ExitStatus.invalidInput.terminate()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                self.exit(withError: error)
            }
            // The message may quote an argument (a parameter's value): made visible like any other.
            Terminal.writeError(fullMessage(for: error) + "\n")
            ExitStatus.invalidInput.terminate()
        }
    }
}
