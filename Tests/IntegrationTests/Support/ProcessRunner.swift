import Foundation
import WardenTesting

/// Runs a program and collects its output (`runProgram`: files, not pipes, so another test's
/// long-lived child cannot hold the output back).
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                input: String? = nil, timeout: TimeInterval = 120) async throws -> ProcessOutput {
    try await runProgram(executable, arguments, environment: environment, input: input, limit: .seconds(timeout))
}
