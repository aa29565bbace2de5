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
    /// No `pegasus-collect-coredumps` rule here: `crashy` exits 1 (no core), and a core from a
    /// supervisord child depends on the machine's core_pattern and ulimit (a pipe to
    /// systemd-coredump or apport in most places); CoredumpRunbookTests covers that runbook.
    @Suite("Alerts: crash loop")
    struct AlertCrashLoop {
        static let available = Supervisor.available && FileManager.default.isExecutableFile(atPath: AlertmanagerProcess.binary)
        static let alertLabels = ["alertname": "PegasusServerCrashLoop", "cluster": "c1", "node": "h01", "program": "crashy"]

        /// The serve config's alert rule (and `alerts:`), silencing in `silenceIn`.
        static func rules(records: String, silenceIn alertmanager: String) -> String {
            """
            alert_rules:
              - id: crash-loop-pause
                match: ['alertname="PegasusServerCrashLoop"']
                on: [firing]
                runbook: pegasus-pause-supervisor
                inventory: pegasus
                params: {hosts: "{{ labels.node }}", program: "{{ labels.program }}", record_dir: "\(records)"}
                incident_key: [node, program]
                silence: {alertmanager: "\(alertmanager)", for: 1h}
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
            let site: ServeSite
            let alertmanager: AlertmanagerProcess
            let serve: BackgroundServe
            let viewer: TestHTTPClient
        }

        /// Starts a `CrashLoop` whose rule silences in `silenceIn` (the test's Alertmanager by
        /// default) and runs `body` on it, a failure saying what warden decided and logged.
        static func withCrashLoop(silenceIn: ((AlertmanagerProcess) -> String)? = nil, name: String = #function,
                                  _ body: (CrashLoop) async throws -> Void) async throws {
            try await withFleet(hosts: 1, name: name) { fleet in
                try await withSupervisor(fleet) { supervisor in
                    let records = fleet.directory.appendingPathComponent("paused").path
                    let site = try ServeSite(in: fleet, inventories: ["pegasus": try supervisor.inventory(in: fleet)])
                    let alertsToken = try await site.addToken("alertmanager", roles: ["alerts"])
                    try await site.addToken("viewer", roles: ["viewer"])
                    let (alertmanager, serve) = try await start(site, alertsToken: alertsToken) {
                        rules(records: records, silenceIn: silenceIn?($0) ?? $0.baseURL)
                    }
                    let viewer = site.api("viewer")
                    try await diagnosing(viewer, serve, alertmanager) {
                        // The guard wants 3 starts lately: the loop is real before the alert says so.
                        try await supervisor.waitUntil("crashy to start 3 times") { supervisor.starts >= 3 }
                        try await body(CrashLoop(supervisor: supervisor, records: records, site: site, alertmanager: alertmanager, serve: serve,
                                                 viewer: viewer))
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
