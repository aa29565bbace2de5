import Foundation

/// `warden-journal-writer` (Tests/JournalWriter) running a job on a journal (a state folder, or
/// a database's URL): started with posix_spawn, its stdout in a file (in `scratch`, a folder
/// removed with the store) read while it runs, waited for on a thread of its own.
public final class SpawnedJournalWriter: JournalWriterProcess {
    private let pid: pid_t
    private let folder: String
    private let exit: Task<Int32, any Error>

    /// The writer built beside the test bundle (`swift build --build-tests` builds it).
    public static func executable() throws -> String {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("warden-journal-writer").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ConformanceFailure("\(path) is not built; run swift build --build-tests first")
        }
        return path
    }

    /// Starts the writer on the journal `state` (what `--state` takes); its files go in `scratch`.
    public init(_ job: JournalWriterJob, state: String, scratch: String? = nil, environment extra: [String: String] = [:]) throws {
        let directory = state
        folder = (scratch ?? state) + "/writer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let executable = try Self.executable()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, folder + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, folder + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let arguments = [executable, directory, job.runID, String(job.events), job.lock, String(job.lockEvery)] + (job.waitAfter.map { [String($0)] } ?? [])
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var spawnedPID: pid_t = 0
        var variables = ProcessInfo.processInfo.environment
        variables.merge(extra) { $1 }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        let spawned = posix_spawn(&spawnedPID, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw ConformanceFailure("cannot start \(executable): \(String(cString: strerror(spawned)))") }
        let pid = spawnedPID
        self.pid = pid
        exit = Task {
            try await onDedicatedThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                return status
            }
        }
    }

    public func appended() async throws -> [Int] {
        let text = (try? String(contentsOfFile: folder + "/stdout", encoding: .utf8)) ?? ""
        // A line still being written when read has no newline yet: it is read next time.
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
            line.hasPrefix("appended ") ? Int(line.dropFirst("appended ".count)) : nil
        }
    }

    public func kill() async {
        _ = Foundation.kill(pid, SIGKILL)
    }

    public func finish() async throws {
        let status = try await exit.value
        let signal = status & 0x7f
        guard signal == 0 || signal == SIGKILL else { throw ConformanceFailure("the writer process died of signal \(signal)") }
        guard signal == SIGKILL || (status >> 8) & 0xff == 0 else {
            let errors = (try? String(contentsOfFile: folder + "/stderr", encoding: .utf8)) ?? ""
            throw ConformanceFailure("the writer process exited \((status >> 8) & 0xff): \(errors)")
        }
    }
}
