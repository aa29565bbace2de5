import Foundation
import Testing
import WardenTesting

/// Runs the database shell doubles in `Tests/Doubles/` as real processes, the way Warden's
/// hosts run the real shells, and reads the research samples they must reproduce.
enum DoubleProcess {
    /// What one run printed. `merged` is stdout and stderr through one pipe, interleaved as a
    /// shell's `2>&1` sees them (v2.5.0's remote_command writes to stderr).
    struct Output: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
        let merged: String
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `Tests/Doubles/`, found from this file's path so no build setting has to carry it.
    static let folder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Doubles
        .deletingLastPathComponent()   // WardenCoreTests
        .deletingLastPathComponent()   // Tests
        .appendingPathComponent("Doubles")

    static func path(_ double: String) -> String { folder.appendingPathComponent(double).path }

    /// The research folder's sample files, as the test bundle carries them (`Fixtures/`).
    static func fixture(_ path: String) throws -> URL {
        guard let base = Bundle.module.resourceURL else { throw Failure(description: "no resource folder in the test bundle") }
        return base.appendingPathComponent("Fixtures").appendingPathComponent(path)
    }

    /// A fresh folder for one test's state files.
    static func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("warden-doubles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `double` with `arguments` and `input` on stdin, off the cooperative pool, its output
    /// in files (`runProgram`). `mergeStreams` gives the child one stream for stdout and stderr.
    static func run(_ double: String, _ arguments: [String] = [], environment: [String: String] = [:],
                    input: String? = nil, mergeStreams: Bool = false) async throws -> Output {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let output = try await runProgram(path(double), arguments, environment: env, input: input, mergeStreams: mergeStreams,
                                          limit: .seconds(60))
        return Output(status: output.status, stdout: mergeStreams ? "" : output.stdout, stderr: output.stderr,
                      merged: mergeStreams ? output.stdout : "")
    }

    /// The exact bytes a research sample shows for `>>> command`: from the line after it up to
    /// the next `>>> ` or `# ` line or the end of the file. A `   (note)` after the command is
    /// the research's. Unlike `ParserFixture.section`, the text is not re-joined, so the last
    /// section of a file ends with the file's own final newline and nothing more.
    static func sample(_ path: String, command: String, occurrence: Int = 0) throws -> String {
        let text = try ParserFixture.text(path)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        var found = -1
        var collected: [Substring] = []
        var collecting = false
        for line in lines {
            if line.hasPrefix(">>> ") || line.hasPrefix("# ") {
                if collecting { break }
                var name = line.dropFirst(4)
                if let note = name.range(of: "   (") { name = name[..<note.lowerBound] }
                if line.hasPrefix(">>> "), name.trimmingCharacters(in: .whitespaces) == command {
                    found += 1
                    collecting = found == occurrence
                }
                continue
            }
            if collecting { collected.append(line) }
        }
        guard found >= occurrence else { throw Failure(description: "\(path) has no '>>> \(command)'") }
        return collected.map { $0 + "\n" }.joined()
    }
}
