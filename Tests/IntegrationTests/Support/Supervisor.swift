import Foundation
import WardenTesting

/// A supervisord of the test's own (Debian's `supervisor` package), its socket, pidfile and
/// logs in the fleet's folder: `crashy` ends a second after each start (and appends a line
/// `start PID TIME` to `starts.log` when it starts), `steady` just runs. Both autorestart. The
/// loopback host is this machine: supervisorctl on "the host" talks to this supervisord.
///
/// Used by the supervisor runbooks' CLI tests and by `warden serve`'s crash-loop incident tests.
struct Supervisor {
    static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/supervisord")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/supervisorctl")

    /// How `crashy` ends each time it starts.
    enum Crashy: Sendable {
        /// A shell script that exits 1: no core.
        case exitsOne
        /// `CrashLoopCore`'s `wcrash`, compiled into `crashFolder` and started there (supervisord's
        /// `directory=`, so a relative core_pattern puts its core there): it segfaults. Its
        /// first start raises its core limit and leaves a core; the later ones crash the same
        /// way with the limit at 0, so the one core is whole and never rewritten while a run
        /// reads, sums and fetches it (with core_pattern `core` every crash would rewrite it).
        case dumpsCore
    }

    let folder: String
    var crashy: Crashy = .exitsOne
    var conf: String { folder + "/supervisord.conf" }
    /// Where `crashy` runs when it dumps core, and its binary there.
    var crashFolder: String { folder + "/crash" }
    var binary: String { crashFolder + "/wcrash" }
    /// The pids of `crashy`'s starts, oldest first.
    var startPIDs: [String] {
        ((try? String(contentsOfFile: folder + "/starts.log", encoding: .utf8)) ?? "").split(separator: "\n")
            .map { $0.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
    }
    var starts: Int { startPIDs.count }

    /// The cores `crashy` left (`.dumpsCore`: its first start's), full paths.
    var cores: [String] {
        guard crashy == .dumpsCore, let first = startPIDs.first else { return [] }
        return CrashLoopCore.cores(ofPID: first, workingIn: crashFolder)
    }

    static func start(in folder: String, inventory: String, crashy: Crashy = .exitsOne) async throws -> Supervisor {
        let supervisor = Supervisor(folder: folder, crashy: crashy)
        let script = folder + "/crashloop.sh"
        let program: String
        switch crashy {
        case .exitsOne:
            try """
                #!/bin/sh
                echo "start $$ $(date +%s)" >> '\(folder)/starts.log'
                sleep 1
                exit 1
                """.write(toFile: script, atomically: true, encoding: .utf8)
            program = "command=\(script)"
        case .dumpsCore:
            _ = try await CrashLoopCore.compile(into: supervisor.crashFolder)
            // exec: the pid logged is the crashing program's, the one a core's name may carry.
            try """
                #!/bin/sh
                echo "start $$ $(date +%s)" >> '\(folder)/starts.log'
                if [ "$(wc -l < '\(folder)/starts.log')" -le 1 ]; then ulimit -c unlimited; else ulimit -c 0; fi
                exec ./wcrash
                """.write(toFile: script, atomically: true, encoding: .utf8)
            program = "command=\(script)\ndirectory=\(supervisor.crashFolder)"
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        try (Self.configuration(in: folder) + """
            [program:crashy]
            \(program)
            autorestart=true
            startsecs=0
            [program:steady]
            command=/bin/sleep 600
            autorestart=true
            """).write(toFile: folder + "/supervisord.conf", atomically: true, encoding: .utf8)
        // Started on the fleet's host (this machine) through `warden exec`, as an operator would:
        // the daemon is then no child of the test process (Foundation's Process, waiting on a
        // parent that forked a daemon and exited, hung the test).
        let started = try await warden(["exec", "-i", inventory, "all", "--timeout", "30s", "--",
                                         "/usr/bin/supervisord -c '\(supervisor.conf)' < /dev/null > '\(folder)/supervisord.out' 2>&1"])
        guard started.status == 0 else { throw TestFailure("supervisord: \(started.stdout)\(started.stderr)") }
        return supervisor
    }

    /// supervisord's own sections for a daemon whose socket, pidfile and logs are in `folder`;
    /// the caller adds its `[program:...]` sections.
    static func configuration(in folder: String) -> String {
        """
        [unix_http_server]
        file=\(folder)/supervisor.sock
        [supervisord]
        logfile=\(folder)/supervisord.log
        pidfile=\(folder)/supervisord.pid
        childlogdir=\(folder)
        nodaemon=false
        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
        [supervisorctl]
        serverurl=unix://\(folder)/supervisor.sock

        """
    }

    /// An inventory of the fleet's first host in group `pegasus-replica`, whose supervisor is
    /// this supervisord (the host vars the supervisor runbooks read).
    func inventory(in fleet: LoopbackFleet, named name: String = "supervisor-inventory.yaml") throws -> String {
        try fleet.writeInventory(named: name, groups: ["pegasus-replica"],
                                 vars: [("supervisor", "supervisord"), ("supervisor_ctl", "[supervisorctl, -c, \"\(conf)\"]")])
    }

    func ctl(_ arguments: [String]) async throws -> String {
        let output = try await runProcess("/usr/bin/supervisorctl", ["-c", conf] + arguments)
        return output.stdout + output.stderr
    }

    func state(_ program: String) async throws -> String {
        let line = try await ctl(["status", program])
        return line.split(whereSeparator: \.isWhitespace).dropFirst().first.map(String.init) ?? line
    }

    /// Waits until `condition` holds, polling every 0.25 s, at most `seconds`.
    func waitUntil(_ what: String, seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw TestFailure("timed out after \(seconds)s waiting for \(what)")
    }

    /// `supervisorctl shutdown`, then TERM and KILL by the pidfile if it is still there.
    func stop() async {
        _ = try? await ctl(["shutdown"])
        let pidfile = folder + "/supervisord.pid"
        for signal in [SIGTERM, SIGKILL] {
            for _ in 0..<40 {
                guard let text = try? String(contentsOfFile: pidfile, encoding: .utf8),
                      let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0 else { return }
                try? await Task.sleep(for: .milliseconds(100))
            }
            if let text = try? String(contentsOfFile: pidfile, encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, signal)
            }
        }
    }
}

/// Runs `body` with a supervisord started on `fleet`'s host and always stops it.
func withSupervisor<T>(_ fleet: LoopbackFleet, crashy: Supervisor.Crashy = .exitsOne, _ body: (Supervisor) async throws -> T) async throws -> T {
    let supervisor = try await Supervisor.start(in: fleet.directory.path, inventory: fleet.inventoryPath, crashy: crashy)
    do {
        let result = try await body(supervisor)
        await supervisor.stop()
        return result
    } catch {
        await supervisor.stop()
        throw error
    }
}
