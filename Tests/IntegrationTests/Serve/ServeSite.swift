import Foundation
import Testing
import WardenCore
import WardenTesting

/// A site for `warden serve` in one test: a private folder (0700, as a token
/// file's folder must be) holding the config, the token file and the state
/// folder; the config lists `inventories` and `runbooks` folders and listens
/// on a free loopback port. Tokens are added with the built binary
/// (`warden token add`), as an administrator would.
final class ServeSite {
    let folder: String
    let state: String
    let configPath: String
    let tokensPath: String
    var inventories: [String: String]
    var runbookFolders: [String]
    /// More YAML at the end of the config (runs:, proxy:, tls:...).
    var extra: String
    /// A journal in PostgreSQL shared with other sites (its URL and password file); nil: the state folder's.
    var database: (url: String, passwordFile: String)?
    /// The port its config listens on (a free one, until a test sets another).
    var port: Int
    /// Bearer tokens by name.
    private(set) var tokens: [String: String] = [:]

    static let runbooks = PackageRoot.url.appendingPathComponent("runbooks").path

    init(in parent: String, inventories: [String: String] = [:], runbooks: [String] = [ServeSite.runbooks + "/pegasus"], extra: String = "") throws {
        folder = (parent as NSString).appendingPathComponent("serve-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        state = (folder as NSString).appendingPathComponent("state")
        configPath = (folder as NSString).appendingPathComponent("serve.yaml")
        tokensPath = (folder as NSString).appendingPathComponent("tokens.json")
        self.inventories = inventories
        runbookFolders = runbooks
        self.extra = extra
        port = try TestHTTPClient.freePort()
        try writeConfig()
    }

    convenience init(in fleet: LoopbackFleet, inventories: [String: String], extra: String = "") throws {
        try self.init(in: fleet.directory.path, inventories: inventories, extra: extra)
    }

    /// The config as it is written.
    var configText: String {
        var text = """
            # written by the test
            listen: 127.0.0.1:\(port)
            tokens: \(tokensPath)

            """
        if let database {
            text += "state:\n  journal: \(database.url)\n  password_file: \(database.passwordFile)\n  folder: \(state)\n"
        } else {
            text += "state: \(state)\n"
        }
        if !inventories.isEmpty {
            text += "inventories:\n" + inventories.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
        }
        if !runbookFolders.isEmpty {
            text += "runbooks:\n" + runbookFolders.map { "  - \($0)\n" }.joined()
        }
        return text + extra
    }

    func writeConfig() throws {
        try configText.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// `warden token add NAME --role ROLE... --tokens FILE`: the token it printed.
    @discardableResult
    func addToken(_ name: String, roles: [String]) async throws -> String {
        let added = try await warden(["token", "add", name, "--tokens", tokensPath] + roles.flatMap { ["--role", $0] })
        guard added.status == 0 else { throw TestFailure("warden token add \(name) exited \(added.status): \(added.stderr)") }
        let token = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        tokens[name] = token
        return token
    }

    /// Starts `warden serve` on this config and waits until it answers (with `ready`, else
    /// `/healthz` over HTTP). A port taken meanwhile by another process is replaced by another.
    func start(environment: [String: String] = [:], ready: (@Sendable (Int) async -> Bool)? = nil) async throws -> BackgroundServe {
        var attempt = 0
        while true {
            attempt += 1
            try writeConfig()
            let serve = try BackgroundServe.start(config: configPath, port: port, environment: environment)
            do {
                let port = self.port
                var probe: (@Sendable () async -> Bool)?
                if let ready { probe = { await ready(port) } }
                try await serve.waitUntilReady(ready: probe)
                return serve
            } catch let failure as WardenTestFailure where failure.description.contains("Address already in use") && attempt < 4 {
                port = try TestHTTPClient.freePort()
            }
        }
    }

    /// A client of the daemon holding the token named `name` (nil: none).
    func api(_ name: String?) -> TestHTTPClient {
        TestHTTPClient(port: port, token: name.flatMap { tokens[$0] })
    }
}

/// Polls `condition` every 100 ms until it holds (up to `limit`); fails naming `what`.
func poll(_ what: String, limit: Duration = .seconds(90), until condition: () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let giveUp = clock.now + limit
    while try await !condition() {
        guard clock.now < giveUp else { throw TestFailure("never happened within \(limit): \(what)") }
        try await Task.sleep(for: .milliseconds(100))
    }
}

/// The rebalance's parameters for the API: a window open now (UTC), a fast poll, its own cluster name.
func rebalanceParams() -> [String: String] {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let hour = calendar.component(.hour, from: Date())
    func time(_ value: Int) -> String { String(format: "%02d:00", (value + 24) % 24) }
    return ["cluster": "c\(UUID().uuidString.prefix(8))", "window": "\(time(hour - 1))-\(time(hour + 3))", "timezone": "UTC", "poll": "1s"]
}

extension TestHTTPClient {
    /// Plans `runbook` on `inventory` and starts it on that plan's hash: the run's id.
    func planAndStart(_ runbook: String, inventory: String, params: [String: String]) async throws -> String {
        let body: [String: Any] = ["runbook": runbook, "inventory": inventory, "params": params]
        let plan = try await post("/api/v1/plans", json: body)
        guard plan.status == 200, let hash = try plan.json()["hash"] as? String else { throw TestFailure("POST /api/v1/plans: \(plan)") }
        let started = try await post("/api/v1/runs", json: body.merging(["plan_hash": hash]) { $1 })
        guard started.status == 202, let runID = try started.json()["run_id"] as? String else { throw TestFailure("POST /api/v1/runs: \(started)") }
        return runID
    }

    /// Returns once GET /api/v1/approvals lists `runID` as waiting.
    func awaitGate(of runID: String) async throws {
        try await poll("run \(runID) waits at its approval gate") {
            let listed = try await get("/api/v1/approvals").json()["approvals"] as? [[String: Any]] ?? []
            return listed.contains { $0["run_id"] as? String == runID }
        }
    }

    /// GET /api/v1/status as JSON.
    func status() async throws -> [String: Any] {
        let answer = try await get("/api/v1/status")
        guard answer.status == 200 else { throw TestFailure("GET /api/v1/status: \(answer)") }
        return try answer.json()
    }
}
