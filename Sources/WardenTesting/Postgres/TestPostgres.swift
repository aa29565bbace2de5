import Foundation

/// Debian's real PostgreSQL server (`postgresql-15`; scripts/lib/deps.sh installs it) running
/// for a test: `initdb` into a temporary folder, `pg_ctl` on a free loopback port and a Unix
/// socket in that folder, stopped and removed afterwards. The server refuses to run as root, so
/// under root it runs as Debian's `postgres` user (through setpriv); its superuser `warden`
/// logs in over TCP with a password (SCRAM), which Warden reads from `passwordFile`, as an
/// operator's controller would.
///
/// ```swift
/// let postgres = try await TestPostgres.start()
/// let url = try await postgres.createDatabase()      // postgres://warden@127.0.0.1:PORT/NAME
/// // WARDEN_STATE_PASSWORD_FILE=postgres.passwordFile warden run --state "$url" …
/// try await postgres.stop()
/// ```
public final class TestPostgres: Sendable {
    public let folder: String
    public let port: Int
    public let user = "warden"
    /// The superuser's password, in a 0600 file of the test's user.
    public let passwordFile: String
    private let binaries: String
    private let stopped = ReapedFlag()

    var dataFolder: String { folder + "/data" }
    /// The folder holding the server's socket.
    public var socketFolder: String { folder + "/socket" }
    /// Everything the server logged.
    public var log: String { (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? "" }

    private init(folder: String, port: Int, passwordFile: String, binaries: String) {
        self.folder = folder
        self.port = port
        self.passwordFile = passwordFile
        self.binaries = binaries
    }

    deinit {
        if stopped.set() { TestPostgres.killServer(dataFolder: folder + "/data") }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The newest installed server's programs (`/usr/lib/postgresql/N/bin`).
    static func serverBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let newest = versions.last, FileManager.default.isExecutableFile(atPath: "\(root)/\(newest)/bin/postgres") else {
            throw WardenTestFailure("no PostgreSQL server in \(root): run `. scripts/lib/deps.sh && warden_ensure_deps` (Debian's postgresql-15)")
        }
        return "\(root)/\(newest)/bin"
    }

    /// Makes a new cluster and starts it. `fsync: false` is for tests that never crash the
    /// machine (every commit then skips the disk sync, and checks run several times faster).
    public static func start(fsync: Bool = true) async throws -> TestPostgres {
        let binaries = try serverBinaries()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-postgres-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/socket", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        chmod(folder, 0o755)
        let password = UUID().uuidString
        let passwordFile = folder + "/password"
        guard FileManager.default.createFile(atPath: passwordFile, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw WardenTestFailure("cannot write \(passwordFile)")
        }
        // initdb reads the superuser's password from a file the server's user can read.
        let serverPasswordFile = folder + "/socket/initdb-password"
        FileManager.default.createFile(atPath: serverPasswordFile, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600])
        try await asServerUser(owning: [folder + "/socket", serverPasswordFile])
        let port = try TestHTTPClient.freePort()
        let server = TestPostgres(folder: folder, port: port, passwordFile: passwordFile, binaries: binaries)
        let initdb = try await server.asServer(binaries + "/initdb", [
            "-D", server.dataFolder, "-U", "warden", "--pwfile=\(serverPasswordFile)", "--auth-local=trust", "--auth-host=scram-sha-256",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        ])
        unlink(serverPasswordFile)
        guard initdb.status == 0 else { throw WardenTestFailure("initdb failed (\(initdb.status)): \(initdb.stdout)\(initdb.stderr)") }
        let settings = [
            "listen_addresses='127.0.0.1'", "port=\(port)", "unix_socket_directories='\(server.socketFolder)'", "fsync=\(fsync ? "on" : "off")",
            "max_connections=300", "logging_collector=off", "log_min_messages=warning",
        ]
        try settings.joined(separator: "\n").appending("\n").write(toFile: folder + "/warden.conf", atomically: true, encoding: .utf8)
        chmod(folder + "/warden.conf", 0o644)
        let include = try await server.asServer("/bin/sh", ["-c", "echo \"include '\(folder)/warden.conf'\" >> \"$0\"", server.dataFolder + "/postgresql.conf"])
        guard include.status == 0 else { throw WardenTestFailure("cannot configure the server: \(include.stderr)") }
        try await server.startServer()
        try server.watchThisProcess()
        return server
    }

    /// Starts a shell that stops the server and removes its folder once this process is gone,
    /// however it ends (a test process that crashed, or one that shares a server in a static
    /// and never releases it).
    private func watchThisProcess() throws {
        let stop = geteuid() == 0
            ? "/usr/bin/setpriv --reuid=postgres --regid=postgres --init-groups \"$1/pg_ctl\""
            : "\"$1/pg_ctl\""
        // Gone means no /proc entry, or a zombie (state Z: it died and its parent has not reaped
        // it yet, as when a crashed test process's parent is itself stuck); the state is the field
        // after the last ") " of /proc/PID/stat, since the name in parentheses may hold anything.
        let script = """
            alive() { [ -d "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]; }
            while alive "$0"; do sleep 1; done
            \(stop) stop -D "$2/data" -m immediate -w >/dev/null 2>&1
            rm -rf "$2"
            """
        // In a session of its own: a signal to the test's process group (a runner's timeout) must
        // not take the watcher with it.
        _ = try SpawnedProcess.start(["/usr/bin/setsid"] + LoopbackFleet.bashArguments(script, [String(getpid()), binaries, folder]),
                                     stdout: "/dev/null", stderr: nil)
    }

    /// `postgres://warden@127.0.0.1:PORT/DATABASE`: what `--state` takes (the password in `passwordFile`).
    public func url(database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)"
    }

    /// Creates an empty database (named `name`, else a fresh one) and returns its URL.
    public func createDatabase(_ name: String? = nil) async throws -> String {
        let name = name ?? "warden_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await psql("CREATE DATABASE \"\(name)\"")
        return url(database: name)
    }

    /// Runs `sql` as the superuser in `database` and returns what psql printed (unaligned, no headers).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        let output = try await runProgram(binaries + "/psql",
                                          ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketFolder, "-p", String(port), "-U", user,
                                           "-d", database, "-c", sql])
        guard output.status == 0 else { throw WardenTestFailure("psql \(sql): \(output.stderr)") }
        return output.stdout
    }

    /// Stops the server as an administrator's restart does (`pg_ctl restart -m fast`: sessions
    /// are ended, the server comes back on the same port), or after `downFor` of being down.
    public func restart(downFor: Duration = .zero) async throws {
        let stop = try await asServer(binaries + "/pg_ctl", ["stop", "-D", dataFolder, "-m", "fast", "-w"])
        guard stop.status == 0 else { throw WardenTestFailure("pg_ctl stop: \(stop.stdout)\(stop.stderr)") }
        if downFor > .zero { try await Task.sleep(for: downFor) }
        try await startServer()
    }

    /// Stops the server and removes its folder.
    public func stop() async throws {
        guard stopped.set() else { return }
        let output = try await asServer(binaries + "/pg_ctl", ["stop", "-D", dataFolder, "-m", "immediate", "-w"])
        if output.status != 0 { TestPostgres.killServer(dataFolder: dataFolder) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func startServer() async throws {
        let output = try await asServer(binaries + "/pg_ctl", ["start", "-D", dataFolder, "-l", folder + "/server.log", "-w", "-t", "60"])
        guard output.status == 0 else { throw WardenTestFailure("pg_ctl start failed (\(output.status)): \(output.stdout)\(output.stderr)\n\(log)") }
    }

    /// Runs a server program as the server's user: `postgres` when this process is root.
    private func asServer(_ program: String, _ arguments: [String]) async throws -> ProcessOutput {
        if geteuid() == 0 {
            return try await runProgram("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", program] + arguments,
                                        environment: ["PATH": "/usr/bin:/bin", "LANG": "C"])
        }
        return try await runProgram(program, arguments, environment: ["PATH": "/usr/bin:/bin", "LANG": "C"])
    }

    /// Gives `paths` to the server's user (when this process is root), and the test folder to it as well.
    private static func asServerUser(owning paths: [String]) async throws {
        guard geteuid() == 0 else { return }
        guard let user = getpwnam("postgres") else {
            throw WardenTestFailure("there is no 'postgres' user, which Debian's postgresql package makes: install postgresql-15")
        }
        let (uid, gid) = (user.pointee.pw_uid, user.pointee.pw_gid)
        for path in paths { chown(path, uid, gid) }
        if let folder = paths.first.map({ ($0 as NSString).deletingLastPathComponent }) { chown(folder, uid, gid) }
    }

    /// SIGQUIT to the postmaster (an immediate shutdown), for a test that did not stop it.
    private static func killServer(dataFolder: String) {
        guard let text = try? String(contentsOfFile: dataFolder + "/postmaster.pid", encoding: .utf8),
              let line = text.split(separator: "\n").first, let pid = pid_t(line) else { return }
        kill(pid, SIGQUIT)
    }
}
