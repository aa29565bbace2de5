import Foundation
import Testing
import WardenCore
import WardenTesting

extension ServeLive {
    /// Incident automation with every part real: Debian's Alertmanager 0.25 delivers a
    /// `PegasusServerCrashLoop` alert to `warden serve`'s receiver (an `alerts`-role token), the
    /// rule starts `pegasus-pause-supervisor` on the fleet's host, where a real supervisord
    /// restarts `crashy` every second, and the incident's alerts are silenced in that same
    /// Alertmanager while the run remediates.
    ///
    /// With the shipped example's second rule on the same alert (deploy/alert-rules.example.yaml),
    /// `crashy` really segfaults (`CrashLoopCore`'s gcc-built `wcrash`) and leaves a core, and
    /// `pegasus-collect-coredumps` fetches it with its gdb backtrace into the run's artifacts.
    /// Whether a supervisord child's core lands as a file is the machine's core_pattern (a pipe to
    /// systemd-coredump or apport in most places): that test is skipped, saying so, where it
    /// does not; the others use the exit-1 `crashy` and run wherever supervisord does.
    @Suite("Alerts: crash loop")
    struct AlertCrashLoop {
        static let available = Supervisor.available && FileManager.default.isExecutableFile(atPath: AlertmanagerProcess.binary)
        static let alertLabels = ["alertname": "PegasusServerCrashLoop", "cluster": "c1", "node": "h01", "program": "crashy"]

        /// The serve config's alert rule (and `alerts:`), silencing in `silenceIn`; with `cores`,
        /// the example's second rule on the same alert, collecting cores from `cores.folder`
        /// (staging in `cores.stage`) with the binary the alert's `binary` annotation names.
        static func rules(records: String, silenceIn alertmanager: String, cores: (folder: String, stage: String)? = nil) -> String {
            var text = """
                alert_rules:
                  - id: crash-loop-pause
                    match: ['alertname="PegasusServerCrashLoop"']
                    on: [firing]
                    runbook: pegasus-pause-supervisor
                    inventory: pegasus
                    params: {hosts: "{{ labels.node }}", program: "{{ labels.program }}", record_dir: "\(records)"}
                    incident_key: [node, program]
                    silence: {alertmanager: "\(alertmanager)", for: 1h}

                """
            if let cores {
                text += """
                      - id: crash-loop-cores
                        match: ['alertname="PegasusServerCrashLoop"']
                        on: [firing]
                        runbook: pegasus-collect-coredumps
                        inventory: pegasus
                        params: {hosts: "{{ labels.node }}", binary: "{{ annotations.binary }}", core_dirs: "\(cores.folder)", stage_dir: "\(cores.stage)"}
                        incident_key: [node, program]

                    """
            }
            return text + """
                alerts:
                  duplicate_window: 0s

                """
        }

        /// Alertmanager delivering to the site's receiver with the `alerts` token (grouped as the
        /// shipped route is, re-sent every 2 s), then `warden serve` with `extra(alertmanager)` as
        /// its config's tail. A port another process took meanwhile (Alertmanager's, or the
        /// daemon's, which then moves and Alertmanager would send elsewhere): both start again.
        static func start(_ site: ServeSite, alertsToken: String, extra: (AlertmanagerProcess) -> String) async throws
            -> (AlertmanagerProcess, BackgroundServe) {
            for attempt in 1...3 {
                let port = site.port
                let alertmanager = try AlertmanagerProcess.start(receiverURL: "http://127.0.0.1:\(port)/api/v1/alerts/alertmanager", token: alertsToken,
                                                                 groupWait: .seconds(1), groupInterval: .seconds(1), repeatInterval: .seconds(2))
                do {
                    try await alertmanager.waitUntilReady()
                } catch {
                    if attempt == 3 { throw error }
                    continue
                }
                site.extra = extra(alertmanager)
                let serve = try await site.start()
                if site.port == port { return (alertmanager, serve) }
                _ = try await serve.terminate()
                try await alertmanager.stop()
            }
            throw TestFailure("warden serve had to move to another port three times; Alertmanager could not be pointed at it")
        }

        static func decisions(_ client: TestHTTPClient) async throws -> [[String: Any]] {
            let answer = try await client.get("/api/v1/decisions")
            guard answer.status == 200 else { throw TestFailure("GET /api/v1/decisions: \(answer)") }
            return try answer.json()["decisions"] as? [[String: Any]] ?? []
        }

        static func alertRuns(_ client: TestHTTPClient) async throws -> [[String: Any]] {
            let answer = try await client.get("/api/v1/runs?trigger=alert")
            guard answer.status == 200 else { throw TestFailure("GET /api/v1/runs?trigger=alert: \(answer)") }
            return try answer.json()["runs"] as? [[String: Any]] ?? []
        }

        /// Polls until an alert-started run exists, then until it ended: the run as listed at its end.
        static func awaitAlertRun(_ client: TestHTTPClient) async throws -> [String: Any] {
            var run: [String: Any] = [:]
            try await poll("a run started by the alert", limit: .seconds(30)) {
                run = try await alertRuns(client).first ?? [:]
                return !run.isEmpty
            }
            try await poll("the alert's run to end", limit: .seconds(40)) {
                run = try await alertRuns(client).first { $0["id"] as? String == run["id"] as? String } ?? run
                return run["status"] as? String != "running"
            }
            return run
        }

        /// Runs `body`; a failure says too what warden decided and what warden serve and
        /// Alertmanager logged.
        static func diagnosing(_ client: TestHTTPClient, _ serve: BackgroundServe, _ alertmanager: AlertmanagerProcess,
                               _ body: () async throws -> Void) async throws {
            do {
                try await body()
            } catch {
                let seen = ((try? await decisions(client)) ?? []).map { "\($0["kind"] ?? "?"): \($0["summary"] ?? "")" }.joined(separator: "\n")
                throw TestFailure("\(error)\ndecisions:\n\(seen)\nwarden serve logged:\n\(serve.output.suffix(8000))"
                    + "\nalertmanager logged:\n\(alertmanager.output.suffix(6000))")
            }
        }

        /// One crash-loop test's parts, running: the fleet's supervisord with `crashy` looping (its
        /// three starts seen), `warden serve` with the rule, a real Alertmanager pointed at it, and
        /// a viewer's client of the daemon.
        struct CrashLoop {
            let supervisor: Supervisor
            /// Where pause-supervisor keeps its pause records.
            let records: String
            /// Where collect-coredumps looks for cores and makes its staging folder (when collecting).
            let coreFolder: String
            let stage: String
            let site: ServeSite
            let alertmanager: AlertmanagerProcess
            let serve: BackgroundServe
            let viewer: TestHTTPClient
        }

        /// Starts a `CrashLoop` whose rule silences in `silenceIn` (the test's Alertmanager by
        /// default) and runs `body` on it, a failure saying what warden decided and logged. With
        /// `collectingCores`, `crashy` dumps core and the cores rule is there too.
        static func withCrashLoop(silenceIn: ((AlertmanagerProcess) -> String)? = nil, collectingCores: Bool = false, name: String = #function,
                                  _ body: (CrashLoop) async throws -> Void) async throws {
            try await withFleet(hosts: 1, name: name) { fleet in
                try await withSupervisor(fleet, crashy: collectingCores ? .dumpsCore : .exitsOne) { supervisor in
                    let records = fleet.directory.appendingPathComponent("paused").path
                    let coreFolder = CrashLoopCore.coreFolder(forProcessIn: supervisor.crashFolder)
                    let stage = fleet.directory.appendingPathComponent("stage").path
                    try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
                    let site = try ServeSite(in: fleet, inventories: ["pegasus": try supervisor.inventory(in: fleet)])
                    let alertsToken = try await site.addToken("alertmanager", roles: ["alerts"])
                    try await site.addToken("viewer", roles: ["viewer"])
                    let (alertmanager, serve) = try await start(site, alertsToken: alertsToken) {
                        rules(records: records, silenceIn: silenceIn?($0) ?? $0.baseURL, cores: collectingCores ? (coreFolder, stage) : nil)
                    }
                    let viewer = site.api("viewer")
                    try await diagnosing(viewer, serve, alertmanager) {
                        // The guard wants 3 starts lately: the loop is real before the alert says so.
                        try await supervisor.waitUntil("crashy to start 3 times") { supervisor.starts >= 3 }
                        try await body(CrashLoop(supervisor: supervisor, records: records, coreFolder: coreFolder, stage: stage, site: site,
                                                 alertmanager: alertmanager, serve: serve, viewer: viewer))
                    }
                }
            }
        }

        @Test(.enabled(if: available, "needs Debian's supervisor and prometheus-alertmanager packages"))
        func aCrashLoopAlertFromAlertmanagerPausesTheProgramOnceSilencedWhileItsRunRemediates() async throws {
            try await Self.withCrashLoop { loop in
                let supervisor = loop.supervisor
                let records = loop.records
                let site = loop.site
                let alertmanager = loop.alertmanager
                let serve = loop.serve
                let viewer = loop.viewer

                // To Alertmanager, as Prometheus would; Alertmanager delivers it to warden.
                let alert = TestAlert(labels: Self.alertLabels, annotations: ["summary": "crashy restarted 3 times"], startsAt: Date().addingTimeInterval(-10))
                try await alertmanager.post(alerts: [alert])

                // The run the alert started, and the silence warden made for it while it remediates.
                var listed: [[String: Any]] = []
                try await poll("a run started by the alert", limit: .seconds(30)) {
                    listed = try await Self.alertRuns(viewer)
                    return !listed.isEmpty
                }
                let runID = try #require(listed.first?["id"] as? String)
                var silence: TestSilence?
                try await poll("warden's silence in Alertmanager", limit: .seconds(30)) {
                    silence = try await alertmanager.silences().first { $0.createdBy == "warden" }
                    return silence != nil
                }
                let made = try #require(silence)
                #expect(made.state == "active", "\(made)")
                #expect(made.comment.contains(runID), "\(made.comment)")
                let matchers = Set(made.matchers.filter { !$0.isRegex && $0.isEqual != false }.map { "\($0.name)=\($0.value)" })
                #expect(matchers.isSuperset(of: ["node=h01", "program=crashy", "alertname=PegasusServerCrashLoop"]), "\(made.matchers)")

                let run = try await Self.awaitAlertRun(viewer)
                #expect(run["id"] as? String == runID)
                #expect(run["status"] as? String == "succeeded", "\(run)\n\(serve.output)")
                #expect(run["runbook"] as? String == "pegasus-pause-supervisor")
                #expect((run["initiator"] as? String)?.hasPrefix("alert:crash-loop-pause/") == true, "\(run)")
                #expect(try await supervisor.state("crashy") == "STOPPED")
                #expect(try await supervisor.state("steady") == "RUNNING")
                let record = (try? String(contentsOfFile: records + "/crashy.paused", encoding: .utf8)) ?? ""
                #expect(record.contains("kind: supervisord\nprogram: crashy\n"), "\(record)")

                // The run's end expires the silence, in Alertmanager's own listing.
                try await poll("warden's silence expired", limit: .seconds(20)) {
                    try await alertmanager.silences().first { $0.id == made.id }?.state == "expired"
                }

                // Unsilenced, Alertmanager re-sends the still-firing alert: attached to the open
                // incident, no second run. Watched at least 3 s after the run's end, over which
                // crashy (restarted every second while it looped) must not start again.
                let startsAtEnd = supervisor.starts
                let ended = ContinuousClock.now
                var decisions: [[String: Any]] = []
                func sequence(_ kind: String) -> Int? { decisions.first { $0["kind"] as? String == kind }?["sequence"] as? Int }
                try await poll("a repeat attached after the silence expired", limit: .seconds(20)) {
                    decisions = try await Self.decisions(viewer)
                    guard let unsilenced = sequence("unsilenced") else { return false }
                    let attachedLater = decisions.contains { $0["kind"] as? String == "attached" && ($0["sequence"] as? Int ?? 0) > unsilenced }
                    return attachedLater && ContinuousClock.now - ended >= .seconds(3)
                }
                #expect(supervisor.starts == startsAtEnd, "crashy started again after the pause")
                #expect(try await supervisor.state("crashy") == "STOPPED")
                #expect(try await Self.alertRuns(viewer).count == 1, "a repeat started another run")

                let kinds = decisions.compactMap { $0["kind"] as? String }
                let summaries = decisions.map { "\($0["kind"] ?? "?"): \($0["summary"] ?? "")" }.joined(separator: "\n")
                #expect(kinds.filter { $0 == "start" }.count == 1, "\(summaries)")
                #expect(kinds.filter { $0 == "started" }.count == 1, "\(summaries)")
                for kind in ["silence-failed", "blocked", "throttled", "invalid", "no-rule-matched"] {
                    #expect(!kinds.contains(kind), "\(summaries)")
                }
                // In order: start, started, silenced, then (the run ended) unsilenced.
                let order = ["start", "started", "silenced", "unsilenced"].map(sequence)
                #expect(order.allSatisfy { $0 != nil } && order.compactMap { $0 } == order.compactMap { $0 }.sorted(), "\(summaries)")
                for kind in ["started", "silenced", "unsilenced"] {
                    #expect(decisions.first { $0["kind"] as? String == kind }?["run"] as? String == runID, "\(kind): \(summaries)")
                }
                let silenced = decisions.first { $0["kind"] as? String == "silenced" }?["summary"] as? String ?? ""
                #expect(silenced.contains(made.id) && silenced.contains(alertmanager.baseURL), "\(silenced)")
                let unsilenced = decisions.first { $0["kind"] as? String == "unsilenced" }?["summary"] as? String ?? ""
                #expect(unsilenced.hasPrefix("unsilenced: silence \(made.id) "), "\(unsilenced)")
                #expect(kinds.contains("attached"), "\(summaries)")

                // The incident stays open while its alert fires; its resolution closes it.
                let open = try await viewer.get("/api/v1/incidents?status=open").json()["incidents"] as? [[String: Any]] ?? []
                #expect(open.count == 1 && open.first?["runs"] as? [String] == [runID], "\(open)")
                try await alertmanager.post(alerts: [alert.resolved()])
                try await poll("the incident closed by the alert's resolution", limit: .seconds(20)) {
                    try await Self.decisions(viewer).contains { $0["kind"] as? String == "closed" }
                }
                #expect(try await Self.alertRuns(viewer).count == 1)

                // Every decision and the run are in the audit log, and it holds.
                let verified = try await viewer.get("/api/v1/audit/verify")
                #expect(verified.status == 200, "\(verified)")
                #expect(try verified.json()["intact"] as? Bool == true && verified.json()["holds"] as? Bool == true, "\(verified)")
                let (status, log) = try await serve.terminate()
                #expect(status == 0, "\(log)")
                try await alertmanager.stop()
                let audit = try await warden(["audit", "verify", "--state", site.state])
                #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
                #expect(audit.stdout.hasPrefix("audit log intact: "), "\(audit.stdout)")
            }
        }

        /// The shipped example's two rules on one alert (deploy/alert-rules.example.yaml), with a
        /// `crashy` that really segfaults, so its first crash's core is on the host before the
        /// alert. The pause rule stops the loop once, under a silence its run makes and lifts; the
        /// cores rule (the binary from the alert's annotation, as in the example) runs alongside
        /// and fetches that core, byte for byte, with a backtrace naming the crashing function.
        @Test(.enabled(if: available, "needs Debian's supervisor and prometheus-alertmanager packages"),
              .enabled(if: CrashLoopCore.available, Comment(rawValue: CrashLoopCore.requirement)))
        func aCrashLoopAlertPausesTheProgramOnceWhileItsSecondRuleCollectsTheCoreItLeft() async throws {
            try await Self.withCrashLoop(collectingCores: true) { loop in
                let supervisor = loop.supervisor
                let alertmanager = loop.alertmanager
                let viewer = loop.viewer

                // The core of crashy's first start: whole, since the later starts dump none.
                let cores = supervisor.cores
                guard cores.count == 1, let core = cores.first else {
                    let first = supervisor.startPIDs.first ?? "?"
                    let seen = (try? FileManager.default.contentsOfDirectory(atPath: loop.coreFolder)) ?? []
                    throw TestFailure("expected one core of crashy's first start (pid \(first), a name like '\(CrashLoopCore.coreName(pid: first))') "
                        + "in \(loop.coreFolder), saw \(seen) (core_pattern '\(CrashLoopCore.corePattern)'; crashy's starts: \(supervisor.startPIDs))")
                }
                let original = try await CrashLoopCore.sha256(core)

                let alert = TestAlert(labels: Self.alertLabels, annotations: ["summary": "crashy crashed 3 times", "binary": supervisor.binary],
                                      startsAt: Date().addingTimeInterval(-10))
                try await alertmanager.post(alerts: [alert])

                // A run per rule, and the pause run's silence.
                var listed: [[String: Any]] = []
                try await poll("a run started by each of the two rules", limit: .seconds(30)) {
                    listed = try await Self.alertRuns(viewer)
                    return listed.count >= 2
                }
                func runID(_ runbook: String) -> String? { listed.first { $0["runbook"] as? String == runbook }?["id"] as? String }
                let pauseID = try #require(runID("pegasus-pause-supervisor"), "\(listed)")
                let collectID = try #require(runID("pegasus-collect-coredumps"), "\(listed)")
                var silence: TestSilence?
                try await poll("warden's silence in Alertmanager", limit: .seconds(30)) {
                    silence = try await alertmanager.silences().first { $0.createdBy == "warden" }
                    return silence != nil
                }
                let made = try #require(silence)
                #expect(made.comment.contains(pauseID), "\(made.comment)")

                var runs: [String: [String: Any]] = [:]
                try await poll("both alert runs to end", limit: .seconds(120)) {
                    for run in try await Self.alertRuns(viewer) {
                        if let id = run["id"] as? String { runs[id] = run }
                    }
                    return [pauseID, collectID].allSatisfy { runs[$0].map { $0["status"] as? String != "running" } ?? false }
                }
                let pause = runs[pauseID] ?? [:]
                let collect = runs[collectID] ?? [:]
                let answer = try await viewer.get("/api/v1/runs/\(collectID)")
                #expect(answer.status == 200, "GET /api/v1/runs/\(collectID): \(answer)")
                let detail = try answer.json()
                let steps = "\(detail["steps"] ?? "none")"
                #expect(pause["status"] as? String == "succeeded", "\(pause)")
                #expect((pause["initiator"] as? String)?.hasPrefix("alert:crash-loop-pause/") == true, "\(pause)")
                #expect(collect["status"] as? String == "succeeded", "\(collect)\nsteps: \(steps)")
                #expect((collect["initiator"] as? String)?.hasPrefix("alert:crash-loop-cores/") == true, "\(collect)")

                // The core is among the cores run's artifacts, the same bytes as on the host (where it stays).
                let artifacts = detail["artifacts"] as? [[String: Any]] ?? []
                let fetched = try #require(artifacts.first { $0["path"] as? String == core },
                                           "the core \(core) among the run's artifacts: \(artifacts)\nsteps: \(steps)")
                #expect(fetched["sha256"] as? String == original, "host: \(original), journaled: \(fetched)")
                let local = fetched["local"] as? String ?? ""
                #expect(local.contains("/artifacts/\(collectID)/"), "fetched into the run's artifact folder: \(local)")
                #expect(try await CrashLoopCore.sha256(local) == original, "\(local) differs from \(core)")
                #expect(try await CrashLoopCore.sha256(core) == original, "the core on the host changed")
                func fetchedText(endingWith suffix: String) -> String {
                    let file = artifacts.first { ($0["path"] as? String)?.hasSuffix(suffix) == true }?["local"] as? String
                    return file.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
                }
                let backtrace = fetchedText(endingWith: "/\((core as NSString).lastPathComponent).bt")
                #expect(backtrace.contains("SIGSEGV") && backtrace.contains("in crash_here ()") && backtrace.contains("in main ()"),
                        "gdb's backtrace: \(backtrace)")
                let summary = fetchedText(endingWith: "/summary.txt")
                #expect(summary.contains("  \(core) (") && summary.contains("fetched; #0 "), "\(summary)")
                let sums = fetchedText(endingWith: "/SHA256SUMS")
                #expect(sums.contains("\(original)  \(core)\n"), "\(sums)")
                let staged = (try? FileManager.default.contentsOfDirectory(atPath: loop.stage)) ?? []
                #expect(staged.isEmpty, "the staging folder is gone: \(staged)")

                // Paused: stopped, its record written.
                #expect(try await supervisor.state("crashy") == "STOPPED")
                #expect(try await supervisor.state("steady") == "RUNNING")
                let record = (try? String(contentsOfFile: loop.records + "/crashy.paused", encoding: .utf8)) ?? ""
                #expect(record.contains("kind: supervisord\nprogram: crashy\n"), "\(record)")

                // The silence was made once the pause run had started and expired when it ended
                // (not after its hour), as Alertmanager's own listing says.
                try await poll("warden's silence expired", limit: .seconds(20)) {
                    try await alertmanager.silences().first { $0.id == made.id }?.state == "expired"
                }
                let lifted = try #require(try await alertmanager.silences().first { $0.id == made.id })
                let started = try #require(pause["started_at"] as? Double, "\(pause)")
                let finished = try #require(pause["finished_at"] as? Double, "\(pause)")
                let from = try #require(AlertTimestamp.parse(lifted.startsAt)?.date.timeIntervalSince1970, "\(lifted)")
                let until = try #require(AlertTimestamp.parse(lifted.endsAt)?.date.timeIntervalSince1970, "\(lifted)")
                #expect(from >= started - 1 && from <= finished, "silence from \(lifted.startsAt); the run from \(started) to \(finished)")
                #expect(until >= finished - 1 && until <= finished + 30, "silence until \(lifted.endsAt); the run ended at \(finished)")

                // Unsilenced, Alertmanager re-sends the still-firing alert: attached to each rule's
                // open incident, no second run of either. Watched at least 3 s after the runs' end,
                // over which crashy (restarted every second while it looped) must not start again.
                let startsAtEnd = supervisor.starts
                let ended = ContinuousClock.now
                var decisions: [[String: Any]] = []
                func incident(_ rule: String) -> String? {
                    decisions.first { $0["kind"] as? String == "start" && $0["rule"] as? String == rule }?["incident"] as? String
                }
                func kinds(_ rule: String) -> [String] {
                    decisions.filter { $0["incident"] as? String == incident(rule) }.compactMap { $0["kind"] as? String }
                }
                func sequence(_ kind: String) -> Int? { decisions.first { $0["kind"] as? String == kind }?["sequence"] as? Int }
                try await poll("a repeat attached to both rules' incidents after the silence expired", limit: .seconds(30)) {
                    decisions = try await Self.decisions(viewer)
                    guard let unsilenced = sequence("unsilenced") else { return false }
                    let attachedLater = ["crash-loop-pause", "crash-loop-cores"].allSatisfy { rule in
                        decisions.contains { $0["kind"] as? String == "attached" && $0["rule"] as? String == rule && ($0["sequence"] as? Int ?? 0) > unsilenced }
                    }
                    return attachedLater && ContinuousClock.now - ended >= .seconds(3)
                }
                #expect(supervisor.starts == startsAtEnd, "crashy started again after the pause")
                #expect(try await supervisor.state("crashy") == "STOPPED")
                let alertRuns = try await Self.alertRuns(viewer)
                #expect(alertRuns.count == 2, "one run per rule, no more: \(alertRuns)")

                // Decisions for both rules: each started its own run once; only the pause silenced.
                let summaries = decisions.map { "\($0["kind"] ?? "?") [\($0["rule"] ?? "-")]: \($0["summary"] ?? "")" }.joined(separator: "\n")
                #expect(incident("crash-loop-pause") != nil && incident("crash-loop-cores") != nil && incident("crash-loop-pause") != incident("crash-loop-cores"),
                        "\(summaries)")
                for (rule, run) in [("crash-loop-pause", pauseID), ("crash-loop-cores", collectID)] {
                    #expect(kinds(rule).filter { $0 == "start" }.count == 1, "\(rule): \(summaries)")
                    #expect(decisions.filter { $0["kind"] as? String == "started" && $0["rule"] as? String == rule }.map { $0["run"] as? String } == [run],
                            "\(rule): \(summaries)")
                }
                #expect(kinds("crash-loop-pause").filter { ["silenced", "unsilenced"].contains($0) } == ["silenced", "unsilenced"], "\(summaries)")
                #expect(decisions.filter { ["silenced", "unsilenced"].contains($0["kind"] as? String ?? "") }.allSatisfy { $0["run"] as? String == pauseID },
                        "\(summaries)")
                #expect(!kinds("crash-loop-cores").contains("silenced"), "\(summaries)")
                for kind in ["silence-failed", "blocked", "throttled", "invalid", "no-rule-matched", "unrenderable"] {
                    #expect(!decisions.contains { $0["kind"] as? String == kind }, "\(kind): \(summaries)")
                }

                // The alert's resolution closes both incidents; nothing more runs.
                try await alertmanager.post(alerts: [alert.resolved()])
                try await poll("both incidents closed by the alert's resolution", limit: .seconds(20)) {
                    decisions = try await Self.decisions(viewer)
                    return ["crash-loop-pause", "crash-loop-cores"].allSatisfy { kinds($0).contains("closed") }
                }
                #expect(try await Self.alertRuns(viewer).count == 2)
                let open = try await viewer.get("/api/v1/incidents?status=open").json()["incidents"] as? [[String: Any]] ?? []
                #expect(open.isEmpty, "\(open)")

                let (status, log) = try await loop.serve.terminate()
                #expect(status == 0, "\(log)")
                try await alertmanager.stop()
                let audit = try await warden(["audit", "verify", "--state", loop.site.state])
                #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
            }
        }

        /// The usual end of a remediation: the pause ends the loop, so the alert resolves while the
        /// run still watches the program stay stopped, under warden's silence. Alertmanager mutes
        /// that resolution and never sends it (prometheus/alertmanager#226); warden learns it from
        /// Alertmanager's alerts once the run ends, and the incident closes, so the key's next
        /// crash loop is a new incident with a run of its own, not attached to a stale one.
        @Test(.enabled(if: available, "needs Debian's supervisor and prometheus-alertmanager packages"))
        func anAlertThatResolvesWhileSilencedClosesItsIncidentWhenTheRunEnds() async throws {
            try await Self.withCrashLoop { loop in
                let site = loop.site
                let alertmanager = loop.alertmanager
                let serve = loop.serve
                let viewer = loop.viewer
                let alert = TestAlert(labels: Self.alertLabels, startsAt: Date().addingTimeInterval(-10))
                try await alertmanager.post(alerts: [alert])
                try await poll("warden's silence in Alertmanager", limit: .seconds(30)) {
                    try await alertmanager.silences().contains { $0.createdBy == "warden" && $0.state == "active" }
                }
                // Resolved while silenced, and while the run still runs (it watches for 4 s or more).
                try await alertmanager.post(alerts: [alert.resolved()])
                #expect(try await Self.alertRuns(viewer).first?["status"] as? String == "running")

                let run = try await Self.awaitAlertRun(viewer)
                #expect(run["status"] as? String == "succeeded", "\(run)\n\(serve.output)")
                var decisions: [[String: Any]] = []
                do {
                    try await poll("the incident closed as resolved", limit: .seconds(20)) {
                        decisions = try await Self.decisions(viewer)
                        return decisions.contains { $0["kind"] as? String == "closed" }
                    }
                } catch {
                    Issue.record("\(error): \(decisions.map { $0["summary"] ?? "" })\nalertmanager logged:\n\(alertmanager.output.suffix(3000))")
                }
                let summaries = decisions.map { "\($0["kind"] ?? "?"): \($0["summary"] ?? "")" }.joined(separator: "\n")
                let kinds = decisions.compactMap { $0["kind"] as? String }
                // After the silence was lifted, not before: the resolution is learnt from Alertmanager.
                let unsilenced = try #require(decisions.first { $0["kind"] as? String == "unsilenced" }?["sequence"] as? Int, "\(summaries)")
                let closed = try #require(decisions.first { $0["kind"] as? String == "closed" }, "\(summaries)")
                #expect((closed["sequence"] as? Int ?? 0) > unsilenced, "\(summaries)")
                #expect(closed["incident"] as? String == decisions.first { $0["kind"] as? String == "start" }?["incident"] as? String, "\(summaries)")
                #expect((closed["summary"] as? String)?.contains("resolved") == true, "\(summaries)")
                #expect(kinds.filter { $0 == "start" }.count == 1, "\(summaries)")
                let open = try await viewer.get("/api/v1/incidents?status=open").json()["incidents"] as? [[String: Any]] ?? []
                #expect(open.isEmpty, "\(open)")

                // The replayed journal agrees: a restarted daemon has no open incident either.
                let (status, log) = try await serve.terminate()
                #expect(status == 0, "\(log)")
                let again = try await site.start()
                let reopened = try await site.api("viewer").get("/api/v1/incidents?status=open").json()["incidents"] as? [[String: Any]] ?? []
                #expect(reopened.isEmpty, "\(reopened)")
                _ = try await again.terminate()
                try await alertmanager.stop()
                let audit = try await warden(["audit", "verify", "--state", site.state])
                #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
            }
        }

        @Test(.enabled(if: available, "needs Debian's supervisor and prometheus-alertmanager packages"))
        func anAlertmanagerThatCannotBeReachedForTheSilenceHoldsNothingUp() async throws {
            // A loopback port nothing listens on: the connection is refused.
            let nowhere = "http://127.0.0.1:\(try TestHTTPClient.freePort())"
            try await Self.withCrashLoop(silenceIn: { _ in nowhere }) { loop in
                let supervisor = loop.supervisor
                let alertmanager = loop.alertmanager
                let serve = loop.serve
                let viewer = loop.viewer
                try await alertmanager.post(alerts: [TestAlert(labels: Self.alertLabels, startsAt: Date().addingTimeInterval(-10))])

                let run = try await Self.awaitAlertRun(viewer)
                #expect(run["status"] as? String == "succeeded", "\(run)\n\(serve.output)")
                #expect(try await supervisor.state("crashy") == "STOPPED")
                let runID = try #require(run["id"] as? String)

                var decisions: [[String: Any]] = []
                try await poll("a silence-failed decision", limit: .seconds(20)) {
                    decisions = try await Self.decisions(viewer)
                    return decisions.contains { $0["kind"] as? String == "silence-failed" }
                }
                let summaries = decisions.map { "\($0["kind"] ?? "?"): \($0["summary"] ?? "")" }.joined(separator: "\n")
                let failed = decisions.filter { $0["kind"] as? String == "silence-failed" }
                #expect(failed.count == 1, "\(summaries)")
                #expect(failed.first?["run"] as? String == runID, "\(summaries)")
                #expect((failed.first?["summary"] as? String)?.contains(nowhere) == true, "\(summaries)")
                let kinds = decisions.compactMap { $0["kind"] as? String }
                #expect(kinds.contains("start") && kinds.contains("started"), "\(summaries)")
                #expect(!kinds.contains("silenced") && !kinds.contains("unsilenced"), "\(summaries)")
                #expect(try await alertmanager.silences().isEmpty, "nothing was silenced in the Alertmanager that delivered")

                let (status, log) = try await serve.terminate()
                #expect(status == 0, "\(log)")
                try await alertmanager.stop()
            }
        }
    }
}
