import Foundation

/// Runs `warden ARGUMENTS` to completion, with `extra` added to this
/// process's environment and `input` (if any) as its standard input: its
/// exit status and what it printed. The process is started with posix_spawn
/// and waited for on a thread of its own, off the cooperative pool; it is
/// killed, and the test fails, if it runs past `limit`.
public func warden(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil,
                   limit: Duration = .seconds(120)) async throws -> ProcessOutput {
    let binary = try wardenBinary()
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in extra { environment[key] = value }
    return try await runProgram(binary, arguments, environment: environment, input: input, limit: limit)
}
