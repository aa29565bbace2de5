import Foundation

/// A `warden serve --config FILE` daemon left running in the background for
/// a test: wait until it answers (`waitUntilReady`, polling `/healthz`),
/// talk to it (`client`), reload it (`hangUp`, SIGHUP), stop it as systemd
/// does (`terminate`, SIGTERM) or kill it as a crash would (`crash`,
/// SIGKILL). Started with posix_spawn; standard output and error go to one
/// file (`output`), never to a pipe. A daemon its test left running is
/// killed when this object goes.
///
/// ```swift
/// let serve = try BackgroundServe.start(config: path, port: port)
/// try await serve.waitUntilReady()
/// let status = try await serve.client(token: token).get("/api/v1/status")
/// let (exit, log) = try await serve.terminate()
/// ```
public final class BackgroundServe: Sendable {
    private let child: SpawnedProcess
    private let outputPath: String
    private let reaped = ReapedFlag()
    /// The port its config listens on.
    public let port: Int

    public var pid: pid_t { child.pid }

    private init(child: SpawnedProcess, outputPath: String, port: Int) {
        self.child = child
        self.outputPath = outputPath
        self.port = port
    }

    deinit {
        guard reaped.set() else { return }
        kill(child.pid, SIGKILL)
        _ = try? child.wait()
        unlink(outputPath)
    }

    /// Starts `warden serve --config CONFIG` (plus `arguments`), whose config listens on `port`,
    /// with `environment` added to this process's.
    public static func start(config: String, port: Int, arguments: [String] = [], environment extra: [String: String] = [:]) throws -> BackgroundServe {
        let binary = try wardenBinary()
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("warden-serve-\(UUID().uuidString).log").path
        // Through bash, which closes the descriptors this process would leak to it, then execs warden.
        let child = try SpawnedProcess.start(LoopbackFleet.bashArguments(#"exec "$0" "$@""#, [binary, "serve", "--config", config] + arguments),
                                             environment: environment.map { "\($0.key)=\($0.value)" }, stdout: output, stderr: nil)
        return BackgroundServe(child: child, outputPath: output, port: port)
    }

    /// Everything it has logged so far (standard output and error).
    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// A client of its API on loopback, with `token` as its bearer token.
    public func client(token: String? = nil) -> TestHTTPClient {
        TestHTTPClient(port: port, token: token)
    }

    /// Whether the process has ended (it is not reaped: `finish()` says how).
    public var hasEnded: Bool { reaped.isSet || child.hasEnded }

    /// Returns once `ready` holds (by default: `/healthz` answers 200 over plain HTTP) and this
    /// daemon holds the listening socket of its port (not another test's daemon that got the
    /// same port), checked every 50 ms for up to `limit`; fails at once, with its log, if the
    /// daemon ends first (a port taken by another process: "Address already in use").
    public func waitUntilReady(limit: Duration = .seconds(90), ready: (@Sendable () async -> Bool)? = nil) async throws {
        let client = self.client()
        let ready = ready ?? { (try? await client.get("/healthz", limit: .seconds(10)))?.status == 200 }
        let clock = ContinuousClock()
        let giveUp = clock.now + limit
        while true {
            if child.hasEnded {
                let (status, output) = try await finish()
                throw WardenTestFailure("warden serve (pid \(pid)) exited \(status) before it was ready; it logged:\n\(output)")
            }
            // An answer counts only from this daemon: another test's on the same port would answer too.
            if await ready(), ListeningSocket.isHeld(on: port, by: pid) != false { return }
            guard clock.now < giveUp else {
                throw WardenTestFailure("warden serve (pid \(pid)) was not ready within \(limit); it logged:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Returns once its log holds `text` (checked every 50 ms, for up to `limit`).
    public func waitForOutput(containing text: String, limit: Duration = .seconds(60)) async throws {
        let clock = ContinuousClock()
        let giveUp = clock.now + limit
        while !output.contains(text) {
            guard clock.now < giveUp else {
                throw WardenTestFailure("warden serve (pid \(pid)) did not log '\(text)' within \(limit); it logged:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGHUP: reload the config.
    public func hangUp() {
        signal(SIGHUP)
    }

    /// SIGTERM, as systemd stops it, then waits (up to `limit`, else SIGKILL and a failure) for it
    /// to exit: its exit status and log.
    public func terminate(limit: Duration = .seconds(180)) async throws -> (status: Int32, output: String) {
        signal(SIGTERM)
        return try await finish(limit: limit)
    }

    /// Kills it with SIGKILL, as a crash or a power cut would, and waits for it to go: its log.
    @discardableResult
    public func crash() async throws -> String {
        signal(SIGKILL)
        return try await finish().output
    }

    /// Sends `number` unless the process was reaped (its pid may be another's by then).
    public func signal(_ number: Int32) {
        guard !reaped.isSet else { return }
        kill(child.pid, number)
    }

    /// Waits for it to exit by itself (up to `limit`, else SIGKILL and a failure): its exit status
    /// (128 + N when killed by signal N) and log.
    public func finish(limit: Duration = .seconds(180)) async throws -> (status: Int32, output: String) {
        let child = self.child
        let reaped = self.reaped
        let outcome: (status: Int32, overtime: Bool) = try await onDedicatedThread {
            let overtime = ProcessDeadline(pid: child.pid, after: limit)
            child.waitUntilEnded()
            let killed = overtime.disarm()
            guard reaped.set() else { return (-1, killed) }
            return (try child.wait(), killed)
        }
        let output = self.output
        unlink(outputPath)
        if outcome.overtime {
            throw WardenTestFailure("warden serve (pid \(pid)) did not exit within \(limit); killed. It logged:\n\(output)")
        }
        return (outcome.status, output)
    }
}
