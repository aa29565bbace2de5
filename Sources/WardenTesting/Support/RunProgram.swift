import Foundation

/// Runs a program on this machine to completion: `arguments` after it,
/// `environment` as given (nil: this process's), `input` (if any) as its
/// standard input, and what it printed. Its output goes to files, never to
/// pipes: a pipe's end inherited by another test's long-lived child (a
/// deadman's `sleep`) would hold back the end of the output until that child
/// exits. Started with posix_spawn through bash (which closes what this
/// process would leak to it) and waited for on a thread of its own; killed,
/// and the test fails, past `limit`. `mergeStreams` gives it one stream for
/// standard output and error, interleaved as a shell's `2>&1` sees them (in
/// `stdout`).
public func runProgram(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil, input: String? = nil,
                       mergeStreams: Bool = false, limit: Duration = .seconds(120)) async throws -> ProcessOutput {
    let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
    return try await onDedicatedThread {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("warden-program-\(UUID().uuidString)").path
        let (inPath, outPath, errPath) = (base + ".in", base + ".out", base + ".err")
        defer {
            for path in [inPath, outPath, errPath] { unlink(path) }
        }
        if let input { try input.write(toFile: inPath, atomically: false, encoding: .utf8) }
        let child = try SpawnedProcess.start(LoopbackFleet.bashArguments(#"exec "$0" "$@""#, [executable] + arguments),
                                             environment: variables, stdin: input == nil ? nil : inPath, stdout: outPath,
                                             stderr: mergeStreams ? nil : errPath)
        let overtime = ProcessDeadline(pid: child.pid, after: limit)
        child.waitUntilEnded()
        let killed = overtime.disarm()
        let status = try child.wait()
        let output = ProcessOutput(status: status, stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                                   stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        if killed {
            let name = (executable as NSString).lastPathComponent
            throw WardenTestFailure("\(name) \(arguments.joined(separator: " ")) did not finish within \(limit); killed. Its output:\n\(output.stdout)\(output.stderr)")
        }
        return output
    }
}
