import Foundation
import WardenCore
import WardenTesting

/// A `warden` process left running in the background, for tests that act on
/// a run while it goes on (approve it, kill its controller, interrupt it).
struct BackgroundWarden {
    let process: Process
    private let output: Pipe

    /// Starts `warden ARGUMENTS` (through `launcher`, e.g. setsid, when given),
    /// keeping its standard output (or standard error) for `finish()`.
    static func start(_ arguments: [String], launcher: [String] = [], keepStandardError: Bool = false) throws -> BackgroundWarden {
        let process = Process()
        let binary = try wardenBinary()
        if let first = launcher.first {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(launcher.dropFirst()) + [binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        let output = Pipe()
        process.standardOutput = keepStandardError ? FileHandle.nullDevice : output
        process.standardError = keepStandardError ? output : FileHandle.nullDevice
        try process.run()
        return BackgroundWarden(process: process, output: output)
    }

    /// Waits for the process to end; its exit status and the kept output.
    func finish() async throws -> (status: Int32, output: String) {
        let (process, output) = (self.process, self.output)
        let data = try await onDedicatedThread { () -> Data in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Kills it with SIGKILL, as a crash or a power cut would, and waits for it to go.
    func crash() async throws {
        kill(process.processIdentifier, SIGKILL)
        let process = self.process
        try await onDedicatedThread { process.waitUntilExit() }
    }
}

/// The newest run in the journal at `state` once `condition` holds for it
/// and its events, polled for up to a minute (planning alone can take
/// seconds on a loaded machine).
func awaitRun(in state: String, _ what: String,
              until condition: (JournalRun, [JournalEvent]) -> Bool) async throws -> JournalRun {
    let journal = try await Journal.open(directory: state)
    for _ in 0..<1200 {
        if let run = try await journal.runs().first, condition(run, try await journal.events(of: run.id)) {
            return run
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("no run in \(state) reached: \(what)")
}
