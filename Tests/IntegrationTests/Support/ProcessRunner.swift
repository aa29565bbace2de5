import Foundation
import WardenTesting

/// The outcome of a process run to completion.
struct ProcessOutput {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs a program and collects its output, reading both pipes at once so
/// that neither can fill and stall the child.
/// `input` is written to the child's standard input, then closed.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                input: String? = nil, timeout: TimeInterval = 120) async throws -> ProcessOutput {
    try await onDedicatedThread { try runProcessBlocking(executable, arguments, environment: environment, input: input, timeout: timeout) }
}

private func runProcessBlocking(_ executable: String, _ arguments: [String], environment: [String: String]?,
                                input: String?, timeout: TimeInterval) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : stdin
    try process.run()
    if let input {
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
    }
    let group = DispatchGroup()
    nonisolated(unsafe) var stdoutData = Data()
    nonisolated(unsafe) var stderrData = Data()
    group.enter()
    DispatchQueue.global().async { stdoutData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { stderrData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
    }
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus,
                         stdout: String(decoding: stdoutData, as: UTF8.self),
                         stderr: String(decoding: stderrData, as: UTF8.self))
}

/// The `warden` executable built next to the test bundle (`swift build --build-tests` builds both),
/// or `WARDEN_BINARY` when set.
func wardenBinary() throws -> String {
    if let path = ProcessInfo.processInfo.environment["WARDEN_BINARY"] { return path }
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("warden").path,
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("warden").path,
    ]
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw TestFailure("the warden executable is not built (looked at \(candidates)); run swift build --build-tests first")
    }
    return found
}

/// Runs `warden` with arguments and returns what it printed and its exit status.
func warden(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) async throws -> ProcessOutput {
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in extra { environment[key] = value }
    return try await runProcess(try wardenBinary(), arguments, environment: environment, input: input)
}
