import ArgumentParser
import Foundation
import Logging
import WardenCore
import WardenServer
import WardenSSHTransport

/// `warden serve`: the long-running controller (HTTP API, run streams,
/// metrics), on the same engine and journal as the terminal's commands.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the controller: an HTTP API to plan, start, follow, approve and cancel runs, with metrics.",
        discussion: """
            The config file names where to listen (127.0.0.1:8470 by default), the state folder, the \
            inventories and runbook folders it offers, and the token file (`warden token add`). Runs \
            started through the API are journaled beside those of `warden run`: `warden runs`, `show` \
            and `log` see them, and the API sees the terminal's. SIGHUP reloads the config (one that \
            does not validate is refused and the old one stays); SIGTERM stops gracefully: no new runs, \
            running ones get runs.grace_period, then are cancelled and their cleanup runs. Runs a killed \
            daemon left are adopted when it starts again.
            Exit status: 0 stopped; 1 could not start (port, journal); 2 the config does not validate.
            """
    )

    @Option(help: ArgumentHelp("The serve config file (YAML).", valueName: "FILE"))
    var config: String?

    @Option(name: .customLong("check-config"), help: ArgumentHelp("Only check this config (and its inventories, runbooks and token file); exit 0 or 2.", valueName: "FILE"))
    var checkConfig: String?

    @Option(help: ArgumentHelp("Log from this level on, to standard error: trace, debug, info, notice, warning, error, critical (default: WARDEN_LOG_LEVEL, else info).", valueName: "LEVEL"))
    var logLevel: Logger.Level?

    var resolvedLogLevel: Logger.Level {
        logLevel ?? ProcessInfo.processInfo.environment["WARDEN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }

    func validate() throws {
        guard (config == nil) != (checkConfig == nil) else {
            throw ValidationError("give --config FILE to serve, or --check-config FILE to check a config")
        }
    }

    func run() async throws {
        if let checkConfig {
            try await check(checkConfig)
            return
        }
        let logger = Logger(label: "warden.serve")
        do {
            try await ServeDaemon.run(configurationPath: config ?? "", logger: logger) {
                SSHTransport(concurrency: 64, acceptNewHostKeys: false)
            }
        } catch let error as ServeStartError {
            Terminal.writeError("warden serve: \(error.description)\n")
            throw error.kind == .invalidConfiguration ? ExitStatus.invalidInput : ExitStatus.failure
        } catch {
            // Whatever stopped a daemon that had started is not invalid input (exit 2).
            Terminal.writeError("warden serve: \(error)\n")
            throw ExitStatus.failure
        }
    }

    /// Everything `serve` checks before it listens, without listening.
    private func check(_ path: String) async throws {
        let state: DaemonState
        do {
            (state, _) = try await ServeDaemon.preflight(configurationPath: path)
        } catch {
            Terminal.writeError(error.description + "\n")
            throw ExitStatus.invalidInput
        }
        let configuration = await state.configuration
        let catalog = await state.catalog
        Terminal.write("""
            \(path): valid
              listen:      \(configuration.listen)\(configuration.tls == nil ? "" : " (TLS)")
              state:       \(configuration.state)
              runbooks:    \(catalog.names.joined(separator: ", "))
              inventories: \(configuration.inventories.keys.sorted().joined(separator: ", "))
              tokens:      \(configuration.tokens)
              schedules:   \(configuration.schedules.isEmpty ? "none" : configuration.schedules.map { "\($0.id) (\($0.expressionText) \($0.timeZoneName))" }.joined(separator: ", "))

            """)
    }
}
