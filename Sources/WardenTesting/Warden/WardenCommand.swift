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
    let variables = environment.map { "\($0.key)=\($0.value)" }
    return try await onDedicatedThread {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("warden-run-\(UUID().uuidString)").path
        let (inPath, outPath, errPath) = (base + ".in", base + ".out", base + ".err")
        defer {
            for path in [inPath, outPath, errPath] { unlink(path) }
        }
        if let input { try input.write(toFile: inPath, atomically: false, encoding: .utf8) }
        // Through bash, which closes the descriptors this process would leak to it, then execs warden.
        let child = try SpawnedProcess.start(LoopbackFleet.bashArguments(#"exec "$0" "$@""#, [binary] + arguments),
                                             environment: variables, stdin: input == nil ? nil : inPath, stdout: outPath, stderr: errPath)
        let overtime = ProcessDeadline(pid: child.pid, after: limit)
        child.waitUntilEnded()
        let killed = overtime.disarm()
        let status = try child.wait()
        let output = ProcessOutput(status: status, stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                                   stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        if killed {
            throw WardenTestFailure("warden \(arguments.joined(separator: " ")) did not finish within \(limit); killed. Its output:\n\(output.stdout)\(output.stderr)")
        }
        return output
    }
}
