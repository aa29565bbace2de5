import Foundation

/// A `warden` process left running in the background, for tests that act on
/// a run while it goes on: approve it, kill its controller, interrupt it.
/// Started with posix_spawn; its output goes to a file, so a test can await
/// a line it prints (`waitForOutput`) while it runs.
///
/// ```swift
/// let background = try BackgroundWarden.start(["run", file, "-i", inventory, "--state", state, "--yes"])
/// let run = try await awaitRun(in: state, "the change's intent") { _, events in events.contains { $0.kind == .intent } }
/// try await background.crash()   // as kill -9 of the controller
/// ```
public final class BackgroundWarden: Sendable {
    private let child: SpawnedProcess
    /// Where the kept stream goes; removed by `finish()` and `crash()`.
    private let outputPath: String
    private let discardPath: String

    /// The process id: warden's, or the launcher's when one was given.
    public var pid: pid_t { child.pid }

    private init(child: SpawnedProcess, outputPath: String, discardPath: String) {
        self.child = child
        self.outputPath = outputPath
        self.discardPath = discardPath
    }

    /// Starts `warden ARGUMENTS` (through `launcher`, e.g. `setsid --wait`, when given), keeping
    /// its standard output (or, with `keepStandardError`, its standard error) for `finish()`.
    public static func start(_ arguments: [String], launcher: [String] = [], keepStandardError: Bool = false,
                             environment extra: [String: String] = [:]) throws -> BackgroundWarden {
        let binary = try wardenBinary()
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("warden-background-\(UUID().uuidString)").path
        let (kept, discarded) = (base + ".kept", base + ".discarded")
        let command = launcher + [binary] + arguments
        // Through bash, which closes the descriptors this process would leak to it, then execs the command.
        let child = try SpawnedProcess.start(LoopbackFleet.bashArguments(#"exec "$0" "$@""#, command),
                                             environment: environment.map { "\($0.key)=\($0.value)" },
                                             stdout: keepStandardError ? discarded : kept, stderr: keepStandardError ? kept : discarded)
        return BackgroundWarden(child: child, outputPath: kept, discardPath: discarded)
    }

    /// What it has printed on the kept stream so far.
    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Returns once the kept stream holds `text` (checked every 20 ms, for
    /// up to `limit`): the moment warden said something, rather than a guess
    /// of how long it takes to say it.
    public func waitForOutput(containing text: String, limit: Duration = .seconds(60)) async throws {
        let clock = ContinuousClock()
        let giveUp = clock.now + limit
        while !output.contains(text) {
            guard clock.now < giveUp else {
                throw WardenTestFailure("warden (pid \(pid)) did not print '\(text)' within \(limit); it printed:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the process to end: its exit status and the kept output.
    public func finish() async throws -> (status: Int32, output: String) {
        let child = self.child
        let status = try await onDedicatedThread { try child.wait() }
        let output = self.output
        removeFiles()
        return (status, output)
    }

    /// Kills it with SIGKILL, as a crash or a power cut would, and waits for it to go.
    public func crash() async throws {
        kill(child.pid, SIGKILL)
        let child = self.child
        _ = try await onDedicatedThread { try child.wait() }
        removeFiles()
    }

    private func removeFiles() {
        unlink(outputPath)
        unlink(discardPath)
    }
}
