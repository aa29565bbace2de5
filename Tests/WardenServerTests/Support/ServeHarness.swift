import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// Who calls the API in these tests: one token per role, a second approver,
/// and an operator who is also an approver (to start a gated run and be
/// refused approving it).
enum Caller: String, CaseIterable, Sendable, CustomStringConvertible {
    case viewer = "vera"
    case `operator` = "olga"
    case approver = "april"
    case approver2 = "bert"
    case admin = "ada"
    case alerts = "alarm"
    case operatorApprover = "oscar"

    var name: String { rawValue }

    var roles: Set<Role> {
        switch self {
        case .viewer: [.viewer]
        case .operator: [.operator]
        case .approver, .approver2: [.approver]
        case .admin: [.admin]
        case .alerts: [.alerts]
        case .operatorApprover: [.operator, .approver]
        }
    }

    /// One caller per role, for the role table.
    static let perRole: [Caller] = [.viewer, .operator, .approver, .admin, .alerts]

    var description: String { "\(name) (\(roles.map(\.rawValue).sorted().joined(separator: ",")))" }
}

/// `warden serve` in-process: `ServeServices` over an in-memory journal, hosts
/// in memory answering the catalog's commands, a clock the test moves, a
/// catalog of three runbooks and an inventory written to a fresh folder, and a
/// token per caller. `withAPI` runs a test against the daemon's router
/// (HummingbirdTesting's router mode: no sockets, no peer address).
struct ServeHarness: Sendable {
    struct Options: Sendable {
        var maximumActiveRuns = 32
        var metricsNeedToken = false
        var maximumBodyBytes = 1 << 20
        var failedAuthenticationLimit = 10
        var policy = ApprovalPolicy()
        /// The daemon's `host:pid` (a dead one, to leave runs for a restarted daemon to resume).
        var controller = OperatingSystemUser.controller
        /// A reverse proxy whose identity header is believed.
        var proxy: ServeConfiguration.ProxyTrust?
        /// `alert_rules:` as YAML (a list of rules), on the harness's runbooks and the `lab` inventory.
        var alertRules: String?
        var alertLimits = AlertLimits()
        /// `notify:` webhooks.
        var notify: [NotifyTarget] = []
        /// More runbooks for the catalog, by name (the YAML of each).
        var runbooks: [String: String] = [:]
        /// `schedules:` as YAML (a list of schedules), on the harness's runbooks and the `lab` inventory.
        var schedules: String?
        /// `blackouts:` as YAML (a list).
        var blackouts: String?
        /// False: incident automation and the schedules are not started (as while the keeper
        /// adopts runs at a daemon's start); the test calls `services.alerts.start()` itself.
        var startServices = true
    }

    /// A controller on this machine whose process does not exist.
    static let deadController = "\(ProcessInfo.processInfo.hostName):\(Int32.max - 7)"

    let folder: String
    let clock: TestClock
    let transport: InMemoryTransport
    let store: MemoryJournalStore
    let services: ServeServices
    let tokens: [Caller: String]
    /// A viewer's token that expires an hour after the harness is made (by the test clock).
    let expiringToken: String
    let options: Options

    var journal: Journal { services.journal }
    var configPath: String { folder + "/serve.yaml" }
    var inventoryPath: String { folder + "/inventory.yaml" }
    var stateFolder: String { folder + "/state" }

    /// The hosts of the inventory: `meta1` (the cluster's admin host, which the gated runbook
    /// locks), `db1` and `db2` (the fleet the read-only runbook inspects).
    static let inventory = """
        hosts:
          meta1: {address: 127.0.0.1, agent: true, host_key: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", groups: [fleet]}
          db1: {address: 127.0.0.2, agent: true, host_key: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", groups: [fleet, db]}
          db2: {address: 127.0.0.3, agent: true, host_key: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", groups: [fleet, db]}
        """

    /// Read-only: asks every host of the fleet for its service's status. Its parameters have
    /// each type the catalog describes, and a secret (which never has a default).
    static let inspect = """
        name: inspect
        summary: Ask every host for its service's status; changes nothing.
        params:
          service: {type: string, default: db, doc: the service to ask about}
          threshold: {type: int, default: 5}
          ratio: {type: number, default: 0.5}
          verbose: {type: bool, default: false}
          mode: {type: enum, values: [quick, full], default: quick}
          api_key: {type: string, secret: true, doc: a secret nothing reads}
        targets:
          fleet: {hosts: fleet, at_least: 1}
        steps:
          - id: status
            on: fleet
            check: "status {{ params.service }}"
        """

    /// Mutating with a guard: restarts one host's database while its load is under `max_load`.
    static let restart = """
        name: restart
        summary: Restart the database on one host while it is not overloaded.
        params:
          host: {type: string, default: db1}
          max_load: {type: number, default: 10}
        targets:
          db: {hosts: "{{ params.host }}", exactly: 1}
        probes:
          load: {on: db, run: load, parse: json}
        guards:
          - probe: load
            expect: result.load < params.max_load
            message: a loaded host may be recovering; leave it alone
        steps:
          - id: restart
            on: db
            run: restart db
        """

    /// Gated and locked: waits for a second person's approval, then changes the meta level,
    /// and always sets it back in cleanup.
    static let rebalance = """
        name: rebalance
        summary: Let the balancer move replicas; needs a second person's approval.
        targets:
          meta: {hosts: meta1, exactly: 1}
        lock: {name: cluster, on: meta}
        probes:
          health: {on: meta, run: health, parse: json}
        guards:
          - {probe: health, expect: result.ok, message: the cluster is unhealthy}
        steps:
          - id: go
            approve: {quorum: 1, timeout: 30m, message: replicas move for a few minutes}
          - id: lively
            on: meta
            run: set_meta_level lively
        finally:
          - id: steady
            on: meta
            run: set_meta_level steady
        """

    static func make(_ options: Options = Options()) async throws -> ServeHarness {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-serve-\(UUID().uuidString)").path
        let manager = FileManager.default
        for path in [folder, folder + "/runbooks", folder + "/state"] {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
        try inventory.write(toFile: folder + "/inventory.yaml", atomically: false, encoding: .utf8)
        for (name, text) in ["inspect": inspect, "restart": restart, "rebalance": rebalance].merging(options.runbooks, uniquingKeysWith: { $1 }) {
            try text.write(toFile: folder + "/runbooks/\(name).yaml", atomically: false, encoding: .utf8)
        }
        try configText(options).write(toFile: folder + "/serve.yaml", atomically: false, encoding: .utf8)
        let catalog = RunbookCatalog.load(folders: [folder + "/runbooks"])
        guard catalog.problems.isEmpty, catalog.names == Set(["inspect", "rebalance", "restart"]).union(options.runbooks.keys).sorted() else {
            throw WardenTestFailure("the test catalog does not load: \(catalog.problems.map(\.description).joined(separator: "\n"))")
        }

        let clock = TestClock()
        var file = TokenFile()
        var tokens: [Caller: String] = [:]
        for caller in Caller.allCases {
            tokens[caller] = try file.add(name: caller.name, roles: caller.roles, expires: nil, now: clock.now)
        }
        let expiringToken = try file.add(name: "temp", roles: [.viewer], expires: clock.now.addingTimeInterval(3600), now: clock.now)
        // Saved too, so that a reload of serve.yaml finds the same tokens.
        try file.save(path: folder + "/tokens.json")

        var configuration = ServeConfiguration(
            file: folder + "/serve.yaml", state: folder + "/state", inventories: ["lab": folder + "/inventory.yaml"],
            runbookFolders: [folder + "/runbooks"], tokens: folder + "/tokens.json", proxy: options.proxy, gracePeriod: .seconds(30), concurrency: 8,
            maximumActiveRuns: options.maximumActiveRuns, metricsNeedToken: options.metricsNeedToken,
            maximumBodyBytes: options.maximumBodyBytes, failedAuthenticationLimit: options.failedAuthenticationLimit)
        if let rules = options.alertRules {
            configuration.alertRules = try AlertRule.parse(rules, file: folder + "/serve.yaml")
            configuration.alertLimits = options.alertLimits
            configuration.notify = options.notify
            let problems = AlertRuleCheck.problems(configuration.alertRules, locations: [:], catalog: catalog, inventories: ["lab"])
            guard problems.isEmpty else { throw WardenTestFailure("the test's alert rules do not check: \(problems)") }
        }
        if let schedules = options.schedules {
            let node = try YAMLDocument.compose(schedules, file: folder + "/serve.yaml")
            let parsed: (schedules: [Schedule], problems: [LocatedError]) = node.map { Schedule.parse($0, file: folder + "/serve.yaml") } ?? ([], [])
            var problems = parsed.problems + ScheduleCheck.problems(parsed.schedules, catalog: catalog, inventories: ["lab"], now: clock.now)
            if let blackouts = options.blackouts, let list = try YAMLDocument.compose(blackouts, file: folder + "/serve.yaml") {
                let found = Schedule.parseBlackouts(list, file: folder + "/serve.yaml")
                configuration.blackouts = found.blackouts
                problems += found.problems
            }
            guard problems.isEmpty else { throw WardenTestFailure("the test's schedules do not check: \(problems)") }
            configuration.schedules = ScheduleCheck.resolvingCatchup(parsed.schedules, catalog: catalog)
            configuration.notify = options.notify
        }
        let state = DaemonState(configuration, catalog: catalog, tokens: file, now: clock.now)

        let transport = InMemoryTransport(clock: clock)
        script(transport)
        let store = MemoryJournalStore()
        let services = await ServeServices.make(state: state, store: store, policy: options.policy, clock: clock,
                                                controller: options.controller) { transport }
        if options.startServices {
            await services.alerts.start()
            await services.schedules.start()
        }
        return ServeHarness(folder: folder, clock: clock, transport: transport, store: store, services: services, tokens: tokens,
                            expiringToken: expiringToken, options: options)
    }

    /// Another daemon (`controller`, by default this process) over a copy of this one's journal
    /// as it is now, with the same files, hosts, clock and tokens: the daemon restarted after
    /// this one died (what this one goes on writing, the other does not see).
    /// `through`: the store the new daemon's journal goes through, over the copy (a test's wrapper).
    func restarted(controller: String = OperatingSystemUser.controller,
                   through: (MemoryJournalStore) -> any JournalStore = { $0 }) async -> ServeHarness {
        // The dead daemon's scheduler no longer looks at the (shared) clock.
        await services.schedules.stop()
        var options = self.options
        options.controller = controller
        let copy = MemoryJournalStore(name: "restarted", contents: store.snapshot())
        let transport = self.transport
        let services = await ServeServices.make(state: self.services.state, store: through(copy), policy: options.policy, clock: clock,
                                                controller: controller) { transport }
        await services.alerts.start()
        await services.schedules.start()
        return ServeHarness(folder: folder, clock: clock, transport: transport, store: copy, services: services, tokens: tokens,
                            expiringToken: expiringToken, options: options)
    }

    /// The config file matching the harness's configuration (what a reload reads).
    static func configText(_ options: Options, inventories: [String: String] = ["lab": "inventory.yaml"]) -> String {
        """
        listen: 127.0.0.1:8470
        state: state
        inventories:
        \(inventories.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n"))
        runbooks: [runbooks]
        tokens: tokens.json
        runs: {grace_period: 30s, concurrency: 8, max_active: \(options.maximumActiveRuns)}
        metrics: {require_token: \(options.metricsNeedToken)}
        http: {max_body_bytes: \(max(1024, options.maximumBodyBytes)), failed_auth_per_minute: \(options.failedAuthenticationLimit)}

        """ + (options.alertRules.map { "alert_rules:\n" + $0.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n" } ?? "")
            + (options.schedules.map { "schedules:\n" + $0.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n" } ?? "")
            + (options.blackouts.map { "blackouts:\n" + $0.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n" } ?? "")
    }

    /// The hosts' answers to the catalog's commands.
    static func script(_ transport: InMemoryTransport) {
        transport.on(.prefix("status "), reply: .success("running\n"))
        for host in ["db1", "db2"] {
            transport.set("load", to: "1", on: host)
            transport.on(.equals("load"), host: host) { _, state in .success("{\"load\": \(state.variables["load"] ?? "0")}\n") }
            transport.on(.equals("restart db"), host: host) { _, state in
                state.variables["restarts"] = String((Int(state.variables["restarts"] ?? "0") ?? 0) + 1)
                return .success("restarted\n")
            }
        }
        transport.set("level", to: "steady", on: "meta1")
        transport.on(.prefix("set_meta_level "), host: "meta1") { command, state in
            state.variables["level"] = String(command.line.dropFirst("set_meta_level ".count))
            return .success("control meta level ok\n")
        }
        transport.on(.equals("health"), host: "meta1", reply: .success("{\"ok\": true}\n"))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs `body` against the daemon's router, in-process; `live`: through a real HTTP server
    /// on a loopback port (so requests have a peer address).
    func withAPI<T: Sendable>(live: Bool = false, _ body: @Sendable (API) async throws -> T) async throws -> T {
        var logger = Logger(label: "warden-serve-test")
        logger.logLevel = .critical
        let app = Application(router: ServeRouter.make(services), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        let tokens = self.tokens
        return try await app.test(live ? .live : .router) { client in
            try await body(API(client: client, tokens: tokens))
        }
    }

    /// A harness made with `options`, given to `body` with its API, and removed after.
    static func with<T: Sendable>(_ options: Options = Options(), live: Bool = false,
                                  _ body: @Sendable (ServeHarness, API) async throws -> T) async throws -> T {
        let harness = try await make(options)
        defer { harness.remove() }
        do {
            let result = try await harness.withAPI(live: live) { api in try await body(harness, api) }
            try await harness.shutdown()
            return result
        } catch {
            try? await harness.shutdown()
            throw error
        }
    }

    /// Stops the daemon's runs as SIGTERM does once the grace period is over (cancelled, their
    /// cleanup run), moving the clock until none is left, so that no test leaves a run behind.
    /// The clock moves until the drain itself has returned, not only until no run is active: a
    /// start still in flight when the loop first looked (a schedule's, planning) would otherwise be
    /// drained after the clock stopped, its cleanup waiting on a clock nobody moves, and the test
    /// would hang without a word (seen once under load).
    func shutdown() async throws {
        await services.schedules.stop()
        let dispatcher = services.dispatcher
        let done = DrainedFlag()
        let drained = Task {
            await dispatcher.drain(grace: .zero)
            done.set()
        }
        var elapsed = Duration.zero
        while !done.isSet {
            guard elapsed < .seconds(3600) else {
                drained.cancel()
                throw WardenTestFailure("runs still active an hour (by the clock) into the drain: \(await dispatcher.activeRuns.map(\.runID))")
            }
            for _ in 0..<50 { await Task.yield() }
            if done.isSet { break }
            clock.advance(by: .seconds(1))
            elapsed += .seconds(1)
        }
        await drained.value
    }

    /// Set once the drain has returned.
    final class DrainedFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    // MARK: Waiting for runs, by the journal

    /// Returns once `condition` holds, checked every millisecond of real time; fails after `limit` of it.
    /// It never moves the test clock, so the pause is only a poll interval, not synchronisation. It used to
    /// spin on `Task.yield()`: some 24 tests waiting at once kept both cooperative threads busy with checks
    /// (the server suite took a fifth more CPU time), and a run starved of them by a fuzz test crawled.
    /// The limit only catches a hang: with the whole unit suite on two cores (a fuzz test holding one of
    /// them for 25 s), a restarted daemon's first run was seen to take over 20 s to report its start.
    func until(_ what: String, limit: Duration = .seconds(90), _ condition: @Sendable () async throws -> Bool) async throws {
        let giveUp = ContinuousClock.now + limit
        while ContinuousClock.now < giveUp {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw WardenTestFailure("not reached within \(limit): \(what)")
    }

    /// Returns once run `id` waits at its approval gate.
    func awaitGate(of id: String) async throws {
        let journal = self.journal
        try await until("run \(id) waits at its approval gate") {
            try await journal.events(of: id).contains { $0.kind == .waitingApproval }
        }
    }

    /// Moves the clock a second at a time until run `id` has ended and the daemon no longer carries
    /// it (its metrics counted); returns its row. `limit` is simulated time.
    @discardableResult
    func finish(_ id: String, limit: Duration = .seconds(3 * 3600)) async throws -> JournalRun {
        var elapsed = Duration.zero
        while elapsed <= limit {
            if let run = try await journal.run(id), case .ended = run.status,
               await !services.dispatcher.activeRuns.contains(where: { $0.runID == id }) {
                return run
            }
            for _ in 0..<50 { await Task.yield() }
            clock.advance(by: .seconds(1))
            elapsed += .seconds(1)
        }
        let status = try await journal.run(id).map { "\($0.status)" } ?? "not journaled"
        throw WardenTestFailure("run \(id) did not end within \(limit) on the test clock (it is \(status))")
    }

    /// The journal's events of run `id` as `kind step@host: detail`.
    func timeline(of id: String) async throws -> [String] {
        try await journal.events(of: id).map { event in
            var line = event.kind.rawValue
            if let step = event.step { line += " \(step)" }
            if let host = event.host { line += "@\(host)" }
            if let detail = event.detail { line += ": \(detail)" }
            return line
        }
    }
}
