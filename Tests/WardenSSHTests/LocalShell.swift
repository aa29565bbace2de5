import Foundation

/// A local shell run as sshd would start it: a clean signal mask and default
/// dispositions (the test process blocks SIGCHLD on its threads, and a shell
/// inheriting that hangs in `wait`), stdin from the bytes given, output to
/// files, so nothing it leaves behind holds the test.
enum LocalShell {
    static func run(_ line: String, shell: String, stdin: [UInt8]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wrapper-\(UUID().uuidString)").path
                defer { try? FileManager.default.removeItem(atPath: folder) }
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    try Data(stdin).write(to: URL(fileURLWithPath: folder + "/in"))
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                posix_spawn_file_actions_addopen(&actions, 0, folder + "/in", O_RDONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 1, folder + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                posix_spawn_file_actions_addopen(&actions, 2, folder + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                var attributes = posix_spawnattr_t()
                posix_spawnattr_init(&attributes)
                defer { posix_spawnattr_destroy(&attributes) }
                var none = sigset_t(), all = sigset_t()
                sigemptyset(&none)
                sigfillset(&all)
                posix_spawnattr_setsigmask(&attributes, &none)
                posix_spawnattr_setsigdefault(&attributes, &all)
                posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
                let arguments: [UnsafeMutablePointer<CChar>?] = [shell, "-c", line].map { $0.withCString { strdup($0) } } + [nil]
                let environment: [UnsafeMutablePointer<CChar>?] = ["SHELL=\(shell)", "PATH=/usr/bin:/bin"].map { $0.withCString { strdup($0) } } + [nil]
                defer { (arguments + environment).forEach { free($0) } }
                var pid: pid_t = 0
                let spawned = posix_spawn(&pid, shell, &actions, &attributes, arguments, environment)
                guard spawned == 0 else {
                    continuation.resume(throwing: POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO))
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                let out = (try? String(contentsOfFile: folder + "/out", encoding: .utf8)) ?? ""
                let err = (try? String(contentsOfFile: folder + "/err", encoding: .utf8)) ?? ""
                continuation.resume(returning: ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), out, err))
            }
        }
    }
}
