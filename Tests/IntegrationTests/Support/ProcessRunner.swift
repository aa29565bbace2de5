import Foundation
import WardenTesting

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
