import Foundation

/// Debian's real Alertmanager (`prometheus-alertmanager`, 0.25; scripts/lib/deps.sh installs
/// it) running for a test: its own temporary folder for config, token file and storage, a free
/// loopback port, no clustering, and one route to a webhook receiver, as an operator's would
/// send alerts to `warden serve`.
///
/// Started with posix_spawn through bash (as `BackgroundServe` starts warden); its log goes to a
/// file (`output`). Killed, and its folder removed, when this object goes, if the test did not
/// `stop()` it.
///
/// ```swift
/// let alertmanager = try AlertmanagerProcess.start(receiverURL: "http://127.0.0.1:\(port)/api/v1/alerts/alertmanager", token: token)
/// try await alertmanager.waitUntilReady()
/// try await alertmanager.post(alerts: [TestAlert(labels: ["alertname": "DiskFull", "cluster": "c1"])])
/// ```
public final class AlertmanagerProcess: Sendable {
    /// Where Debian's package puts it.
    public static let binary = "/usr/bin/prometheus-alertmanager"

    private let child: SpawnedProcess
    private let folder: String
    private let reaped = ReapedFlag()
    public let port: Int
    /// `http://127.0.0.1:PORT`: its API and UI.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var pid: pid_t { child.pid }
    /// The config file it was started with.
    public var configPath: String { folder + "/alertmanager.yml" }
    private var outputPath: String { folder + "/alertmanager.log" }

    private init(child: SpawnedProcess, folder: String, port: Int) {
        self.child = child
        self.folder = folder
        self.port = port
    }

    deinit {
        if reaped.set() {
            kill(child.pid, SIGKILL)
            _ = try? child.wait()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Starts Alertmanager with one route, grouped by `groupBy`, to the webhook `receiverURL`
    /// (`send_resolved: true`), which it calls with `Authorization: Bearer TOKEN` (`token` is
    /// in a 0600 credentials file, as an operator would keep it). The intervals are
    /// Alertmanager's (`1s` is fine for tests); `repeatInterval` must not be shorter than
    /// `groupInterval`, which Alertmanager would otherwise round it up to.
    public static func start(receiverURL: String, token: String, groupBy: [String] = ["alertname", "cluster"],
                             groupWait: Duration = .seconds(1), groupInterval: Duration = .seconds(1),
                             repeatInterval: Duration = .seconds(3600)) throws -> AlertmanagerProcess {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw WardenTestFailure("\(binary) is not installed: run `. scripts/lib/deps.sh && warden_ensure_deps` (Debian's prometheus-alertmanager)")
        }
        guard repeatInterval >= groupInterval else {
            throw WardenTestFailure("Alertmanager's repeat_interval (\(repeatInterval)) must be at least its group_interval (\(groupInterval))")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-alertmanager-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let tokenPath = folder + "/receiver.token"
        guard FileManager.default.createFile(atPath: tokenPath, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw WardenTestFailure("cannot write \(tokenPath)")
        }
        let config = configuration(receiverURL: receiverURL, tokenPath: tokenPath, groupBy: groupBy, groupWait: groupWait,
                                   groupInterval: groupInterval, repeatInterval: repeatInterval)
        try config.write(toFile: folder + "/alertmanager.yml", atomically: true, encoding: .utf8)

        let port = try TestHTTPClient.freePort()
        let arguments = [
            binary,
            "--config.file=\(folder)/alertmanager.yml",
            "--storage.path=\(folder)/data",
            "--web.listen-address=127.0.0.1:\(port)",
            "--web.external-url=http://127.0.0.1:\(port)",
            // Empty: no gossip port, so parallel tests' Alertmanagers never find each other.
            "--cluster.listen-address=",
            // Debug logs each notification it sends, which is what a failing test wants to see.
            "--log.level=debug",
        ]
        // Through bash, which closes the descriptors this process would leak to it, then execs alertmanager.
        let child = try SpawnedProcess.start(LoopbackFleet.bashArguments(#"exec "$0" "$@""#, arguments), stdout: folder + "/alertmanager.log", stderr: nil)
        return AlertmanagerProcess(child: child, folder: folder, port: port)
    }

    /// `start`, then `waitUntilReady`; a port another process took between the choice and the
    /// start (Alertmanager exits: "address already in use") is replaced by another, three times at most.
    public static func started(receiverURL: String, token: String, groupBy: [String] = ["alertname", "cluster"],
                               groupWait: Duration = .seconds(1), groupInterval: Duration = .seconds(1),
                               repeatInterval: Duration = .seconds(3600)) async throws -> AlertmanagerProcess {
        var attempt = 0
        while true {
            attempt += 1
            let alertmanager = try start(receiverURL: receiverURL, token: token, groupBy: groupBy, groupWait: groupWait,
                                         groupInterval: groupInterval, repeatInterval: repeatInterval)
            do {
                try await alertmanager.waitUntilReady()
                return alertmanager
            } catch let failure as WardenTestFailure where failure.description.contains("address already in use") && attempt < 3 {
                continue
            }
        }
    }

    /// The YAML it runs with: JSON strings (valid YAML) so no URL or path needs escaping by hand.
    static func configuration(receiverURL: String, tokenPath: String, groupBy: [String], groupWait: Duration, groupInterval: Duration,
                              repeatInterval: Duration) -> String {
        func quoted(_ text: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
            return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        }
        return """
            route:
              receiver: warden
              group_by: [\(groupBy.map(quoted).joined(separator: ", "))]
              group_wait: \(goDuration(groupWait))
              group_interval: \(goDuration(groupInterval))
              repeat_interval: \(goDuration(repeatInterval))
            receivers:
              - name: warden
                webhook_configs:
                  - url: \(quoted(receiverURL))
                    send_resolved: true
                    max_alerts: 0
                    http_config:
                      authorization:
                        type: Bearer
                        credentials_file: \(quoted(tokenPath))

            """
    }

    /// `1s`, `500ms`: a duration as Alertmanager's config writes one.
    static func goDuration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    /// Everything it has logged so far.
    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// A client of its API.
    public var client: TestHTTPClient { TestHTTPClient(port: port) }

    /// Returns once `GET /-/ready` answers 200 (polled every 50 ms for up to `limit`); fails at
    /// once, with its log, if it exits first (a port another test took meanwhile, a bad config).
    public func waitUntilReady(limit: Duration = .seconds(60)) async throws {
        let client = self.client
        let clock = ContinuousClock()
        let giveUp = clock.now + limit
        while true {
            if child.hasEnded {
                throw WardenTestFailure("alertmanager (pid \(pid), port \(port)) exited before it was ready; it logged:\n\(output)")
            }
            // An answer counts only from this Alertmanager: another test's on the same port would answer too.
            if (try? await client.get("/-/ready", limit: .seconds(5)))?.status == 200, ListeningSocket.isHeld(on: port, by: pid) != false { return }
            guard clock.now < giveUp else {
                throw WardenTestFailure("alertmanager (pid \(pid), port \(port)) was not ready within \(limit); it logged:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Posts `alerts` as Prometheus does (`POST /api/v2/alerts`); fails unless it answers 200.
    public func post(alerts: [TestAlert]) async throws {
        let response = try await client.post("/api/v2/alerts", json: alerts.map(\.json), limit: .seconds(30))
        guard response.status == 200 else {
            throw WardenTestFailure("alertmanager refused the alerts: \(response)")
        }
    }

    /// Every silence it knows (active, pending, and expired ones within its retention).
    public func silences() async throws -> [TestSilence] {
        let response = try await client.get("/api/v2/silences", limit: .seconds(30))
        guard response.status == 200 else {
            throw WardenTestFailure("GET /api/v2/silences: \(response)")
        }
        do {
            return try JSONDecoder().decode([TestSilence].self, from: response.body)
        } catch {
            throw WardenTestFailure("GET /api/v2/silences: not a list of silences (\(error)): \(response.text)")
        }
    }

    /// SIGTERM, then waits (up to `limit`, else SIGKILL and a failure) for it to exit: its log.
    @discardableResult
    public func stop(limit: Duration = .seconds(30)) async throws -> String {
        guard !reaped.isSet else { return output }
        kill(child.pid, SIGTERM)
        let (child, reaped) = (self.child, self.reaped)
        let overtime: Bool = try await onDedicatedThread {
            let deadline = ProcessDeadline(pid: child.pid, after: limit)
            child.waitUntilEnded()
            let killed = deadline.disarm()
            if reaped.set() { _ = try child.wait() }
            return killed
        }
        let output = self.output
        if overtime {
            throw WardenTestFailure("alertmanager (pid \(pid)) did not exit within \(limit) of SIGTERM; killed. It logged:\n\(output)")
        }
        return output
    }
}
