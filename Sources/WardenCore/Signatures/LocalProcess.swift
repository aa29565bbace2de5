import Foundation

/// A program run on the controller (not on a host): `ssh-keygen` to sign
/// and verify approvals and checkpoints. posix_spawn and waitpid on a thread of its own,
/// off the cooperative pool; its output goes to files in a private temporary
/// folder, so nothing it leaves running can hold the caller.
struct LocalProcess {
    struct Output: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `executable` with `arguments`, `stdin` from that file (else /dev/null), in `folder`.
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil, in folder: String) async -> Output {
        await offThePool { runBlocking(executable, arguments, stdin: stdin, in: folder) }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], stdin: String?, in folder: String) -> Output {
        let out = folder + "/.stdout", err = folder + "/.stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { $0.withCString { strdup($0) } } + [nil]
        defer { argv.forEach { free($0) } }
        // Every signal at its default and none blocked: the thread spawning it blocks most (as
        // Dispatch's threads do) and `warden` ignores INT and TERM, and a child inherits both, so
        // without this Ctrl-C or a TERM would never reach it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            return Output(status: 127, stdout: "", stderr: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exited = status & 0x7f == 0
        return Output(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                      stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// A fresh folder only this user can enter, removed after `body`.
    static func withPrivateFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        var template = Array((NSTemporaryDirectory() + "/warden-sign.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SSHSignatureError(.noWorkFolder, "cannot create a private temporary folder: \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }
}
