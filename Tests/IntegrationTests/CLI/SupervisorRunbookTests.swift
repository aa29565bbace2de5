import Foundation
import Testing
import WardenTesting

/// `runbooks/pegasus/pause-supervisor.yaml` and `resume-supervisor.yaml` end to
/// end, against a real supervisord (Debian's `supervisor` package) that the
/// test starts itself, its socket, pidfile and logs in the fleet's folder, and
/// always shuts down. The loopback host is this machine: supervisorctl on "the
/// host" talks to that supervisord.
@Suite("Supervisor runbooks")
struct SupervisorRunbookTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func runbook(_ name: String) -> String { repository.appendingPathComponent("runbooks/pegasus/\(name)").path }
    static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/supervisord")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/supervisorctl")

    /// A supervisord of the test's own: `crashy` exits 1 a second after each
    /// start (and appends a line to `starts.log` when it starts), `steady`
    /// just runs. Both autorestart.
    struct Supervisor {
        let folder: String
        var conf: String { folder + "/supervisord.conf" }
        var starts: Int {
            ((try? String(contentsOfFile: folder + "/starts.log", encoding: .utf8)) ?? "").split(separator: "\n").count
        }

        static func start(in folder: String, inventory: String) async throws -> Supervisor {
            let script = folder + "/crashloop.sh"
            try """
                #!/bin/sh
                echo "start $$ $(date +%s)" >> '\(folder)/starts.log'
                sleep 1
                exit 1
                """.write(toFile: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
            try """
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
                [program:crashy]
                command=\(script)
                autorestart=true
                startsecs=0
                [program:steady]
                command=/bin/sleep 600
                autorestart=true
                """.write(toFile: folder + "/supervisord.conf", atomically: true, encoding: .utf8)
            let supervisor = Supervisor(folder: folder)
            // Started on the fleet's host (this machine) through `warden exec`, as an operator would:
            // the daemon is then no child of the test process (Foundation's Process, waiting on a
            // parent that forked a daemon and exited, hung the test).
            let started = try await warden(["exec", "-i", inventory, "all", "--timeout", "30s", "--",
                                             "/usr/bin/supervisord -c '\(supervisor.conf)' < /dev/null > '\(folder)/supervisord.out' 2>&1"])
            guard started.status == 0 else { throw TestFailure("supervisord: \(started.stdout)\(started.stderr)") }
            return supervisor
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

    /// Runs `body` with a started supervisord and always stops it.
    private func withSupervisor(_ fleet: LoopbackFleet, _ body: (Supervisor) async throws -> Void) async throws {
        let supervisor = try await Supervisor.start(in: fleet.directory.path, inventory: fleet.inventoryPath)
        do {
            try await body(supervisor)
            await supervisor.stop()
        } catch {
            await supervisor.stop()
            throw error
        }
    }

    private func inventory(_ fleet: LoopbackFleet, _ supervisor: Supervisor) throws -> String {
        try fleet.writeInventory(named: "supervisor-inventory.yaml", groups: ["pegasus-replica"],
                                 vars: [("supervisor", "supervisord"), ("supervisor_ctl", "[supervisorctl, -c, \"\(supervisor.conf)\"]")])
    }

    @Test func pauseAndResumeValidateStrictly() async throws {
        let output = try await warden(["validate", "--strict", Self.runbook("pause-supervisor.yaml"), Self.runbook("resume-supervisor.yaml")])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("0 errors, 0 warnings in 2 files"), "\(output.stdout)")
    }

    @Test(.enabled(if: available, "needs Debian's supervisor package (supervisord, supervisorctl)"))
    func pauseStopsARealCrashLoopAndResumeRestoresIt() async throws {
        try await withFleet(hosts: 1) { fleet in
            try await withSupervisor(fleet) { supervisor in
                let inventory = try inventory(fleet, supervisor)
                let state = fleet.directory.appendingPathComponent("state").path
                let records = fleet.directory.appendingPathComponent("paused").path
                let common = ["-i", inventory, "--state", state, "--yes", "-p", "hosts=h01", "-p", "record_dir=\(records)"]
                try await supervisor.waitUntil("crashy to start 3 times") { supervisor.starts >= 3 }

                // Nothing paused yet: resume refuses, and changes nothing.
                let early = try await warden(["run", Self.runbook("resume-supervisor.yaml"), "-p", "program=crashy"] + common)
                #expect(early.status == 3, "\(early.stdout)\(early.stderr)")
                #expect(early.stdout.contains("no pause record for this program"), "\(early.stdout)")

                // A program that does not crash-loop is not paused.
                let calm = try await warden(["run", Self.runbook("pause-supervisor.yaml"), "-p", "program=steady"] + common)
                #expect(calm.status == 3, "\(calm.stdout)\(calm.stderr)")
                #expect(calm.stdout.contains("no restart loop confirmed"), "\(calm.stdout)")
                #expect(try await supervisor.state("steady") == "RUNNING")

                // The crash loop is confirmed and paused: STOPPED, and no new start over 5 seconds.
                let paused = try await warden(["run", Self.runbook("pause-supervisor.yaml"), "-p", "program=crashy"] + common)
                #expect(paused.status == 0, "\(paused.stdout)\(paused.stderr)")
                #expect(paused.stdout.contains("Run succeeded."), "\(paused.stdout)")
                #expect(try await supervisor.state("crashy") == "STOPPED")
                let record = try String(contentsOfFile: records + "/crashy.paused", encoding: .utf8)
                #expect(record.contains("kind: supervisord\nprogram: crashy\nprior_state: "), "\(record)")
                let prior = record.split(separator: "\n").first { $0.hasPrefix("prior_state: ") }.map { String($0.dropFirst(13)) }
                #expect(["RUNNING", "STARTING", "EXITED", "BACKOFF"].contains(prior ?? ""), "\(record)")
                let startsWhenPaused = supervisor.starts
                try await Task.sleep(for: .seconds(5))
                #expect(supervisor.starts == startsWhenPaused, "started again while paused")
                #expect(try await supervisor.state("crashy") == "STOPPED")

                // A second pause would overwrite the record: refused.
                let again = try await warden(["run", Self.runbook("pause-supervisor.yaml"), "-p", "program=crashy"] + common)
                #expect(again.status == 1, "\(again.stdout)\(again.stderr)")
                #expect(again.stdout.contains("already paused"), "\(again.stdout)")

                // Resume starts it again (and it goes on crash-looping), and retires the record.
                let resumed = try await warden(["run", Self.runbook("resume-supervisor.yaml"), "-p", "program=crashy"] + common)
                #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
                var seen: Set<String> = []
                try await supervisor.waitUntil("crashy to start twice more") {
                    seen.insert(try await supervisor.state("crashy"))
                    return supervisor.starts >= startsWhenPaused + 2
                }
                #expect(!seen.isDisjoint(with: ["RUNNING", "STARTING"]), "states seen after resume: \(seen)")
                #expect(!FileManager.default.fileExists(atPath: records + "/crashy.paused"))
                #expect(FileManager.default.fileExists(atPath: records + "/crashy.resumed"))
            }
        }
    }
}
