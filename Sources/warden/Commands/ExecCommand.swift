import ArgumentParser
import Foundation
import WardenCore
import WardenSSHTransport

/// `warden exec`: one ad-hoc command on every selected host at once.
struct ExecCommand: AsyncParsableCommand, EngineCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run one command on every host a pattern selects, at once.",
        discussion: """
            Examples:
              warden exec -i inventory.yaml pegasus-replica -- uptime
              warden exec -i inventory.yaml 'pegasus:!meta-2' --timeout 30s -- 'df -h /data'

            The command is run by each host's login shell, words joined by spaces as ssh does. \
            It runs in its own process group: on timeout or Ctrl-C everything it started is killed.
            Exit status: 0 every host succeeded; 1 any host failed; 2 invalid input.
            """
    )

    @OptionGroup var inventoryOptions: InventoryOptions

    @Argument(help: "Host pattern: a group, a host, 'a,b', 'group:!excluded', 'group:&other', or 'all'.")
    var pattern: String

    @Argument(parsing: .postTerminator, help: "The command to run, after '--'.")
    var command: [String] = []

    @Option(help: "Kill the command on a host after this long (e.g. 30s, 5m).")
    var timeout: String?

    @Option(name: .customLong("max-output"), help: "Bytes of each output stream kept per host (head and tail).")
    var maxOutput: Int = 8 << 20

    @OptionGroup var engine: EngineOptions

    private var concurrency: Int { engine.concurrency }
    private var output: OutputFormat { engine.output }

    @Flag(help: "In text, every host's whole stdout and stderr under the table (else the last lines of a failed host's).")
    var full = false

    @Option(name: [.customShort("o"), .customLong("outdir")],
            help: "Also write each host's output to DIR/<host>.out and DIR/<host>.err (DIR made 0700, never through a link).")
    var outdir: String?

    func validate() throws {
        if command.isEmpty || command.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("No command given: put it after '--', e.g. warden exec -i inv.yaml web -- uptime")
        }
        guard maxOutput >= 2 else { throw ValidationError("--max-output must be at least 2 bytes") }
        if let timeout { _ = try parseDuration(timeout, option: "--timeout") }
    }

    func run() async throws {
        let hosts = try inventoryOptions.selectHosts(pattern)
        if let outdir {
            // A folder that cannot be used is refused before anything runs, as other invalid input is.
            do {
                try OutputFolder.write([], into: outdir)
            } catch {
                throw InvalidInput(description: "-o \(outdir): \(error.description)")
            }
        }
        let deadline = try timeout.map { try parseDuration($0, option: "--timeout") }
        let remote = RemoteCommand(command.joined(separator: " "), timeout: deadline, outputLimit: maxOutput)
        let transport = SSHTransport(concurrency: concurrency, acceptNewHostKeys: inventoryOptions.acceptNewHostKeys)
        let fanOut = FanOut(transport: transport, concurrency: concurrency)
        let progress = output == .text && Terminal.stderrIsInteractive ? ProgressDisplay(total: hosts.count) : nil

        let clock = ContinuousClock()
        let start = clock.now
        let work = Task { await fanOut.run(remote, on: hosts) { event in progress?.handle(event) } }
        let interrupts = InterruptHandler { work.cancel() }
        let outcomes = await work.value
        interrupts.cancel()
        progress?.finish()
        await transport.close()
        let report = ExecReport(command: remote.line, pattern: pattern, outcomes: outcomes, elapsed: clock.now - start)
        var outputFilesFailed = false
        if let outdir {
            do {
                try OutputFolder.write(report.outputFiles, into: outdir)
            } catch {
                // The commands ran: the report below still says what they did.
                Terminal.writeError("warden: cannot keep the output in \(outdir): \(error.description)\n")
                outputFilesFailed = true
            }
        }

        switch output {
        case .text: Terminal.write(report.text(width: Terminal.columns, full: full))
        case .json: Terminal.writeJSON(try report.json() + "\n")
        }
        if !report.allSucceeded || outputFilesFailed { throw ExitStatus.failure }
    }
}

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

func parseDuration(_ text: String, option: String) throws -> Duration {
    do {
        return try DurationText.parse(text)
    } catch {
        throw ValidationError("\(option) \(text): \(error.message)")
    }
}
