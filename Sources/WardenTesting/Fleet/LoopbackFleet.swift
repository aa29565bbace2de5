import Foundation

/// A loopback fleet of real OpenSSH servers for integration tests.
///
/// `LoopbackFleet.start(hosts:name:)` runs `Tests/Fleet/fleet up`, which starts one `sshd` per
/// host, each on its own loopback address (`127.A.B.1`, `127.A.B.2`, …) with a fresh ed25519
/// host key, all accepting one fresh client key. The fleet directory then holds an inventory
/// (`inventoryPath`), a matching `known_hosts` file and the client key, ready for Warden.
///
/// Every fleet started by one test process gets its own `127.A.B` range: a counter starting at
/// `127.30.x`, offset by the low bits of the process id so that two test processes rarely
/// collide. If the addresses are taken anyway (the script exits with 3), `start` moves to the
/// next range and tries again.
///
/// In an async test, `withFleet` starts one and always stops it; starting, stopping and
/// `runOnController` wait for processes, and their async versions (`LoopbackFleet+Async`) do it
/// off the cooperative pool:
///
/// ```swift
/// try await withFleet(hosts: 10) { fleet in
///     // load fleet.inventoryPath, connect to fleet.hosts[0].address:fleet.port, ...
///     let (status, output) = try await fleet.runOnController("pgrep -f '[m]y-marker'")
/// }
/// ```
///
/// Otherwise call `stop()` when done (it is idempotent, and `deinit` calls it as a safety net).
///
/// `stop()` removes the fleet directory too, unless the environment variable
/// `WARDEN_FLEET_KEEP` is set (then the keys, configs and `hosts/NAME/sshd.log` stay for
/// debugging). `WARDEN_FLEET_SCRIPT` overrides where the `fleet` script is looked up. The
/// first `start` in a process also stops fleets left running by test processes that died.
///
/// Requirements: `/usr/sbin/sshd` (Debian's `openssh-server`), `ssh-keygen`, and permission to
/// create `/run/sshd` (or it already exists). See `unavailableReason` to skip tests cleanly.
public final class LoopbackFleet: Sendable {
    /// One server of the fleet: its inventory name (`h01`, …) and its loopback address.
    public struct Host: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public let address: String

        public init(name: String, address: String) {
            self.name = name
            self.address = address
        }

        public var description: String { "\(name) (\(address))" }
    }

    /// A failure of the fleet script or of a controller command, with what it printed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What was being done, e.g. `fleet up --hosts 3 ...`.
        public let context: String
        /// The exit status (or the signal number if it was killed).
        public let status: Int32
        /// The script's standard error (where `fleet` writes all its diagnostics).
        public let stderr: String

        public init(context: String, status: Int32, stderr: String) {
            self.context = context
            self.status = status
            self.stderr = stderr
        }

        public var description: String {
            let trimmed = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(context) failed with status \(status)" + (trimmed.isEmpty ? "" : ":\n\(trimmed)")
        }
    }

    /// The name given to `start`, used in the directory name.
    public let name: String
    /// The fleet directory (a fresh temporary folder).
    public let directory: URL
    /// `DIR/inventory.yaml`: defaults (user, identity file, known hosts) plus every host,
    /// in groups `fleet` and `odd`/`even`.
    public let inventoryPath: String
    /// `DIR/known_hosts`: one `[ADDR]:PORT ssh-ed25519 …` line per host.
    public let knownHostsPath: String
    /// `DIR/client_key`: the ed25519 client key (no passphrase) every host accepts.
    public let clientKeyPath: String
    /// `DIR/hosts.txt`: one `user@addr:port` per line.
    public let hostsFilePath: String
    /// The login user (the user running the tests).
    public let user: String
    /// The port every host listens on.
    public let port: Int
    /// The `127.A.B` prefix of the fleet's addresses.
    public let net: String
    /// The hosts, in order (`h01` first).
    public let hosts: [Host]
    /// The `fleet` script that started the fleet.
    public let scriptPath: String

    private let state = StopState()

    private init(
        name: String, directory: URL, user: String, port: Int, net: String, hosts: [Host],
        scriptPath: String
    ) {
        self.name = name
        self.directory = directory
        self.inventoryPath = directory.appendingPathComponent("inventory.yaml").path
        self.knownHostsPath = directory.appendingPathComponent("known_hosts").path
        self.clientKeyPath = directory.appendingPathComponent("client_key").path
        self.hostsFilePath = directory.appendingPathComponent("hosts.txt").path
        self.user = user
        self.port = port
        self.net = net
        self.hosts = hosts
        self.scriptPath = scriptPath
    }

    deinit {
        stop()
    }

    // MARK: Starting and stopping

    /// Why a fleet cannot be started on this machine, or `nil` if it can. Tests can use it
    /// to skip: `if let why = LoopbackFleet.unavailableReason { throw XCTSkip(why) }`.
    public static var unavailableReason: String? {
        let fm = FileManager.default
        if !fm.isExecutableFile(atPath: "/usr/sbin/sshd") && ProcessInfo.processInfo.environment["FLEET_SSHD"] == nil {
            return "/usr/sbin/sshd is missing (install openssh-server)"
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let hasKeygen = path.split(separator: ":").contains { fm.isExecutableFile(atPath: "\($0)/ssh-keygen") }
        if !hasKeygen { return "ssh-keygen is missing (install openssh-client)" }
        if !fm.fileExists(atPath: script.path) { return "fleet script not found at \(script.path)" }
        return nil
    }

    /// Starts `hosts` sshd servers on loopback and waits until all accept connections.
    ///
    /// - Parameters:
    ///   - hosts: how many servers (1 to 250 per address range; more use several ranges).
    ///   - name: a short label for the temporary directory (letters, digits, `-`, `_`).
    ///   - port: the port every server listens on.
    ///   - timeout: seconds to wait for the servers to listen.
    /// - Throws: `LoopbackFleet.Failure` carrying the script's standard error.
    /// With `logCommands`, every host records each command it receives
    /// (see `commands(receivedBy:)`), so tests verify on the host what reached it.
    /// With `behindBastion`, the hosts run in a network namespace of their own that only
    /// `h01`, the bastion, can be reached in from here (on `10.A.B.2`); the inventory gives
    /// every other host `jump: h01` (`Tests/Fleet/fleet --behind-bastion`; needs root).
    public static func start(
        hosts count: Int, name: String, port: Int = 2222, timeout: Int = 30, logCommands: Bool = false,
        behindBastion: Bool = false
    ) throws -> LoopbackFleet {
        precondition(count >= 1, "a fleet needs at least one host")
        let scriptPath = script.path
        _ = staleFleetsReaped
        let safeName = String(
            name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }.prefix(40))
        let blocks = (count + hostsPerNet - 1) / hostsPerNet

        var lastFailure: Failure?
        for _ in 0..<maxAttempts {
            let (net, sequence) = allocator.allocate(blocks: blocks)
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("warden-fleet-\(safeName)-\(getpid())-\(sequence)", isDirectory: true)
            try? FileManager.default.removeItem(at: directory)
            let arguments = [
                "up", "--hosts", String(count), "--dir", directory.path,
                "--net", net, "--port", String(port), "--timeout", String(timeout),
            ] + (logCommands ? ["--log-commands"] : []) + (behindBastion ? ["--behind-bastion"] : [])
            let result = try runFleet(scriptPath, arguments)
            if result.status == 0 {
                let env = try readEnv(directory.appendingPathComponent("fleet.env"))
                // The script resolves symlinks (pwd -P); its paths are the ones in the inventory.
                let dir = env["FLEET_DIR"].map { URL(fileURLWithPath: $0, isDirectory: true) } ?? directory
                let hosts = try readManifest(dir.appendingPathComponent("fleet.manifest"))
                return LoopbackFleet(
                    name: name, directory: dir, user: env["FLEET_USER"] ?? "root", port: port, net: net,
                    hosts: hosts, scriptPath: scriptPath)
            }
            lastFailure = Failure(
                context: "fleet up --hosts \(count) --dir \(directory.path) --net \(net)", status: result.status,
                stderr: result.stderr)
            if ProcessInfo.processInfo.environment["WARDEN_FLEET_KEEP"] == nil {
                try? FileManager.default.removeItem(at: directory)
            }
            if result.status != addressInUseStatus { break }
        }
        throw lastFailure ?? Failure(context: "fleet up --hosts \(count)", status: -1, stderr: "no attempt was made")
    }

    /// Stops every server of the fleet (`fleet down`), then removes the directory unless
    /// `WARDEN_FLEET_KEEP` is set. Idempotent; never throws (a failure is printed to stderr,
    /// use `stopChecked()` to get it as an error).
    public func stop() {
        do {
            try stopChecked()
        } catch {
            FileHandle.standardError.write(Data("LoopbackFleet \(name): \(error)\n".utf8))
        }
    }

    /// Like `stop()`, but throws if `fleet down` fails.
    public func stopChecked() throws {
        guard state.markStopped() else { return }
        let result = try Self.runFleet(scriptPath, ["down", "--dir", directory.path])
        guard result.status == 0 else {
            throw Failure(context: "fleet down --dir \(directory.path)", status: result.status, stderr: result.stderr)
        }
        if ProcessInfo.processInfo.environment["WARDEN_FLEET_KEEP"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Whether `stop()` has been called.
    public var isStopped: Bool { state.isStopped }

    // MARK: Looking at the "hosts" (they all run on this machine)

    /// Runs `shell` with `/bin/bash -c` on the controller, which is also where every "host"
    /// runs, e.g. to check process state: `pgrep -f '[m]arker'`. The environment has the
    /// fleet's `FLEET_*` variables (see `fleet.env`) added; standard input is /dev/null.
    /// Background processes it leaves running (e.g. `ssh-agent`) do not make it hang: the
    /// shell closes every inherited descriptor above 2 first, and only the shell is waited for.
    ///
    /// - Returns: the exit status (128 + N if killed by signal N) and standard output and
    ///   standard error, merged in order.
    /// - Note: bash's own command line contains `shell`, so `pgrep -f marker` would find that
    ///   bash; write the pattern as `[m]arker` so that it does not match itself.
    public func runOnController(_ shell: String) throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in fleetEnvironment { environment[key] = value }
        let result = try Self.run(script: shell, environment: environment, mergeOutput: true)
        return (result.status, result.stdout)
    }

    /// The fleet's variables, as in `DIR/fleet.env`.
    public var fleetEnvironment: [String: String] {
        [
            "FLEET_DIR": directory.path,
            "FLEET_HOSTS": String(hosts.count),
            "FLEET_HOSTS_FILE": hostsFilePath,
            "FLEET_INVENTORY": inventoryPath,
            "FLEET_KNOWN_HOSTS": knownHostsPath,
            "FLEET_KEY": clientKeyPath,
            "FLEET_PORT": String(port),
            "FLEET_USER": user,
            "FLEET_NET": net,
        ]
    }

    /// The sshd log of one host (`DIR/hosts/NAME/sshd.log`), or "" if there is none.
    public func log(of host: Host) -> String {
        let url = directory.appendingPathComponent("hosts/\(host.name)/sshd.log")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    /// Every command the host received, as sshd got it (Warden's process-group
    /// wrapper included), oldest first; empty unless started with `logCommands`.
    public func commands(receivedBy host: Host) -> String {
        let url = directory.appendingPathComponent("hosts/\(host.name)/commands.log")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    /// The process id of one host's sshd listener, if its pid file exists.
    public func pid(of host: Host) -> Int32? {
        let url = directory.appendingPathComponent("hosts/\(host.name)/sshd.pid")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: Internals

    private static let hostsPerNet = 250
    private static let maxAttempts = 6
    private static let addressInUseStatus: Int32 = 3
    private static let allocator = NetAllocator()

    /// `Tests/Fleet/fleet` of the Warden package (or `WARDEN_FLEET_SCRIPT`).
    private static var script: URL {
        if let override = ProcessInfo.processInfo.environment["WARDEN_FLEET_SCRIPT"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return PackageRoot.url.appendingPathComponent("Tests/Fleet/fleet")
    }

    /// Stops, once per process, the fleets left behind by test processes that died without
    /// stopping them (crash, kill -9): folders `warden-fleet-NAME-PID-SEQ` in the temporary
    /// folder whose PID no longer exists. Fleets of live processes are never touched.
    private static let staleFleetsReaped: Bool = {
        let fm = FileManager.default
        let tmp = fm.temporaryDirectory
        guard let names = try? fm.contentsOfDirectory(atPath: tmp.path) else { return true }
        for entry in names where entry.hasPrefix("warden-fleet-") && !entry.hasPrefix("warden-fleet-io-") {
            let parts = entry.split(separator: "-")
            guard parts.count >= 5, let pid = Int32(parts[parts.count - 2]), Int(parts[parts.count - 1]) != nil,
                pid > 1, pid != getpid(), kill(pid, 0) == -1, errno == ESRCH
            else { continue }
            let dir = tmp.appendingPathComponent(entry)
            guard fm.fileExists(atPath: dir.appendingPathComponent("fleet.manifest").path) else { continue }
            _ = try? runFleet(script.path, ["down", "--dir", dir.path])
            try? fm.removeItem(at: dir)
        }
        return true
    }()

    /// Runs the fleet script with bash (so a lost executable bit does not matter).
    private static func runFleet(_ scriptPath: String, _ arguments: [String]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try run(script: #"exec /bin/bash "$0" "$@""#, arguments: [scriptPath] + arguments, mergeOutput: false)
    }

    private static func readManifest(_ url: URL) throws -> [Host] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 2 else { return nil }
            return Host(name: String(fields[0]), address: String(fields[1]))
        }
    }

    private static func readEnv(_ url: URL) throws -> [String: String] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("FLEET_") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return values
    }

    /// Closes every inherited descriptor above 2 in the bash that runs a command, before the
    /// command runs: a daemon it leaves behind (ssh-agent, `sleep 1000 &`) must not hold a copy
    /// of this process's descriptors, e.g. the socket by which another test's
    /// `Foundation.Process` waits for its child (swift-corelibs-foundation issue 4795: such a
    /// wait then never ends).
    static let closeInheritedDescriptors = #"""
        for _fd in /dev/fd/*; do _fd=${_fd##*/}; case $_fd in 0|1|2) ;; *) { eval "exec $_fd>&-"; } 2>/dev/null ;; esac; done; unset _fd
        """#

    /// `/bin/bash -c SCRIPT ARGUMENTS...`, the script run after `closeInheritedDescriptors`.
    static func bashArguments(_ script: String, _ arguments: [String]) -> [String] {
        ["/bin/bash", "-c", closeInheritedDescriptors + "\n" + script] + arguments
    }

    /// Runs `script` with `/bin/bash -c` (after `closeInheritedDescriptors`) to completion.
    /// `arguments` become `$0`, `$1`, …. Standard input is the file `stdin` (else /dev/null);
    /// output goes through temporary files, not pipes, so nothing can block on a full pipe.
    ///
    /// This uses posix_spawn and waitpid on that one pid rather than `Foundation.Process`,
    /// whose wait on Linux never returns while any descendant (a daemon started by the
    /// command) still holds the socket it watches (swift-corelibs-foundation issue 4795).
    static func run(
        script: String, arguments: [String] = [], environment: [String: String]? = nil, stdin: String? = nil, mergeOutput: Bool
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("warden-fleet-io-\(UUID().uuidString)")
        let outPath = base.appendingPathExtension("out").path
        let errPath = base.appendingPathExtension("err").path
        defer {
            try? fm.removeItem(atPath: outPath)
            try? fm.removeItem(atPath: errPath)
        }
        let argv = bashArguments(script, arguments)
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let status = try SpawnedProcess.start(argv, environment: env, stdin: stdin, stdout: outPath, stderr: mergeOutput ? nil : errPath).wait()
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = mergeOutput ? "" : ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        return (status, stdout, stderr)
    }
}

/// Hands out `127.A.B` ranges that no other fleet of this process uses: A starts at 30 plus
/// the low 6 bits of the pid (so two test processes rarely pick the same A), B counts up by
/// the number of /24 blocks each fleet needs.
private final class NetAllocator: @unchecked Sendable {
    private let lock = NSLock()
    private var a: Int
    private var b = 0
    private var sequence = 0

    init() {
        a = 30 + Int(getpid() & 0x3F)
    }

    func allocate(blocks: Int) -> (net: String, sequence: Int) {
        lock.lock()
        defer { lock.unlock() }
        if b + blocks > 256 {
            a = a >= 254 ? 30 : a + 1
            b = 0
        }
        let net = "127.\(a).\(b)"
        b += blocks
        sequence += 1
        return (net, sequence)
    }
}

/// Whether `stop()` already ran, shared safely between threads.
private final class StopState: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    /// Marks the fleet stopped; returns false if it already was.
    func markStopped() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if stopped { return false }
        stopped = true
        return true
    }

    var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }
}
