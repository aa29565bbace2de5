import ArgumentParser
import Foundation
import Logging

/// The options `plan` and `run` share about how they work, not what on.
struct EngineOptions: ParsableArguments {
    @Option(help: "Hosts worked on at once.")
    var concurrency: Int = 64

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(help: ArgumentHelp("Diagnostics on standard error from this level on: trace, debug, info, notice, warning, error, critical (default: WARDEN_LOG_LEVEL, else warning). They name hosts and errors, never secrets.", valueName: "LEVEL"))
    var logLevel: Logger.Level?

    /// The level asked for, else `WARDEN_LOG_LEVEL`'s, else warning.
    var resolvedLogLevel: Logger.Level {
        logLevel ?? ProcessInfo.processInfo.environment["WARDEN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    }

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A command that reaches hosts, and so has engine options (and a log level).
protocol EngineCommand {
    var engine: EngineOptions { get }
}
