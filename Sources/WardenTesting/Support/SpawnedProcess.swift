import Foundation

/// A child process started with posix_spawn and reaped with waitpid on its
/// own pid. Not `Foundation.Process`: its wait on Linux never returns while
/// a descendant (a daemon the command started) still holds the socket it
/// watches (swift-corelibs-foundation issue 4795), and it relies on SIGCHLD,
/// which a test runner may mask.
struct SpawnedProcess: Sendable {
    let pid: pid_t

    /// Starts `argv` (argv[0] is the executable's path) with `environment`
    /// (`NAME=value`; nil: this process's), standard input from the file
    /// `stdin` (else /dev/null), standard output to the file `stdout` and
    /// standard error to `stderr` (nil: with standard output). Signals start at
    /// their defaults and unblocked (this process may ignore SIGPIPE or mask SIGCHLD).
    static func start(
        _ argv: [String], environment: [String]? = nil, stdin: String? = nil, stdout: String, stderr: String?
    ) throws(LoopbackFleet.Failure) -> SpawnedProcess {
        #if os(Linux)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #else
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }

        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let environment = environment ?? ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = cArguments.withUnsafeBufferPointer { args in
            cEnvironment.withUnsafeBufferPointer { env in
                // Never nil: both arrays hold at least their terminating nil.
                guard let args = args.baseAddress, let env = env.baseAddress else { return EINVAL }
                return posix_spawn(&pid, argv.first ?? "", &actions, &attributes, args, env)
            }
        }
        guard spawned == 0 else {
            throw LoopbackFleet.Failure(context: argv.joined(separator: " "), status: -1,
                                        stderr: "posix_spawn failed: \(String(cString: strerror(spawned)))")
        }
        return SpawnedProcess(pid: pid)
    }

    /// Blocks until the child has ended, without reaping it: its pid stays its own (no other
    /// process can be given it) until `wait()`, so whatever still refers to it is safe to stop first.
    func waitUntilEnded() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1, errno == EINTR {}
    }

    /// Whether the child has ended, without blocking and without reaping it.
    var hasEnded: Bool {
        // Linux zeroes `info` when no child is waitable; a reported child has si_signo SIGCHLD.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == -1 {
            guard errno == EINTR else { return true }
        }
        return info.si_signo == SIGCHLD
    }

    /// Blocks until the child ends: its exit status, or 128 + the signal that killed it.
    func wait() throws(LoopbackFleet.Failure) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw LoopbackFleet.Failure(context: "waitpid \(pid)", status: -1, stderr: "waitpid failed: \(String(cString: strerror(errno)))")
            }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
