import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// The alert receiver in-process: Alertmanager's webhook bodies as it sends
/// them, decided in journal order, acted on through the dispatcher, with the
/// hosts in memory and the clock moved by the test.
@Suite("Alerts")
struct AlertRouteTests {
    /// A per-node restart, escalating to the gated rebalance when two nodes of a cluster fire.
    static let rules = """
        - id: db-down
          match: ['alertname="DBDown"']
          runbook: restart
          inventory: lab
          params: {host: "{{ labels.node }}"}
          incident_key: [cluster, node]
          once_within: 30m
          escalate: {label: node, at_least: 2, run: rebalance, scope: [cluster]}
        - id: db-slow
          match: ['alertname="DBSlow"']
          runbook: restart
          inventory: lab
          params: {host: "{{ labels.node }}"}
          incident_key: [node]
          approval: required
        """

    static var options: ServeHarness.Options {
        var options = ServeHarness.Options()
        options.alertRules = rules
        return options
    }

    /// A webhook body as Alertmanager 0.25 sends it, for one group.
    static func delivery(_ alerts: [(name: String, node: String, firing: Bool)], group: String = "{}:{alertname=\"DBDown\"}") -> String {
        let items = alerts.map { alert -> [String: Any] in
            [
                "status": alert.firing ? "firing" : "resolved",
                "labels": ["alertname": alert.name, "cluster": "lab", "node": alert.node],
                "annotations": ["summary": "\(alert.node) is down"],
                "startsAt": "2026-12-03T02:00:00Z",
                "endsAt": alert.firing ? "0001-01-01T00:00:00Z" : "2026-12-03T02:10:00Z",
                "generatorURL": "http://prometheus:9090/graph",
                "fingerprint": "fp-\(alert.name)-\(alert.node)",
            ]
        }
        return jsonText([
            "version": "4", "groupKey": group, "truncatedAlerts": 0, "status": alerts.contains { $0.firing } ? "firing" : "resolved",
            "receiver": "warden", "groupLabels": ["alertname": alerts.first?.name ?? ""], "commonLabels": [:], "commonAnnotations": [:],
            "externalURL": "http://alertmanager:9093", "alerts": items,
        ] as [String: Any])
    }

    static func decisions(_ harness: ServeHarness) async throws -> [AlertDecisionEntry] {
        try await harness.journal.alertDecisions()
    }

    @Test func oneAlertRepeatedFiveTimesStartsOneRunAndTheRepeatsAttach() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let body = Self.delivery([("DBDown", "db1", true)])
            let first = try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body)
            #expect(first.code == 202, "\(first)")
            try await harness.until("the run started") { try await Self.decisions(harness).contains { $0.kind == "started" } }
            let run = try #require(try await Self.decisions(harness).first { $0.kind == "started" }?.run)
            try await harness.finish(run)
            for _ in 0..<4 {
                harness.clock.advance(by: .seconds(4 * 3600))
                #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body).code == 202)
            }
            try await harness.until("every delivery decided") { try await harness.journal.alertInputs().allSatisfy { $0.decidedAt != nil } }
            let kinds = try await Self.decisions(harness).map(\.kind)
            #expect(kinds.filter { $0 == "start" }.count == 1, "\(kinds)")
            #expect(kinds.filter { $0 == "attached" }.count == 4, "\(kinds)")
            let runs = try await harness.journal.runs()
            #expect(runs.map(\.id) == [run])
            #expect(runs.first?.trigger == .alert && runs.first?.initiator == "alert:db-down/I1")
            #expect(harness.transport.variable("restarts", on: "db1") == "1")

            // The incident, its run and its decisions; it stays open while its alert fires.
            let incidents = try await api.get("/api/v1/incidents")
            #expect(incidents.code == 200)
            #expect(incidents.json["incidents"][0]["id"].string == "I1")
            #expect(incidents.json["incidents"][0]["status"].string == "open")
            #expect(incidents.json["incidents"][0]["runs"][0].string == run)

            // Resolved: the incident closes (its run ended), and the decision says why.
            harness.clock.advance(by: .seconds(60))
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery([("DBDown", "db1", false)])).code == 202)
            try await harness.until("the incident closed") { try await Self.decisions(harness).contains { $0.kind == "closed" } }
            let closed = try await api.get("/api/v1/incidents/I1")
            #expect(closed.json["status"].string == "closed", "\(closed)")
            #expect(closed.json["closed_because"].string?.contains("alerts resolved") == true, "\(closed)")
            #expect(try await harness.journal.verifyAudit() == nil)
        }
    }

    /// The HTTP server listens while the keeper is still adopting runs, before incident automation
    /// starts: a delivery then is journaled and answered, and decided only once the rules are
    /// loaded. Seen on a shared journal: decided with no rules, it was recorded as "no rule matched".
    @Test func aDeliveryTakenBeforeTheStartIsDecidedUnderTheRulesOnceStarted() async throws {
        var options = Self.options
        options.startServices = false
        try await ServeHarness.with(options) { harness, api in
            let answer = try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery([("DBDown", "db1", true)]))
            #expect(answer.code == 202, "\(answer)")
            try await harness.until("the delivery journaled") { try await harness.journal.alertInputs().count == 1 }
            // Whatever drains were asked for by the receiver have had their turn: nothing is decided.
            for _ in 0..<20 { await Task.yield() }
            #expect(try await Self.decisions(harness).isEmpty)
            #expect(try await harness.journal.alertInputs().allSatisfy { $0.decidedAt == nil })
            await harness.services.alerts.start()
            try await harness.until("the run started") { try await Self.decisions(harness).contains { $0.kind == "started" } }
            let kinds = try await Self.decisions(harness).map(\.kind)
            #expect(kinds.first == "start" && !kinds.contains("no-rule-matched"), "\(kinds)")
        }
    }

    /// What an alert is about moves: a crash-looping program's restart count reads higher on
    /// every probe, and a step that records it renders another command each plan. A rule's
    /// `approval: auto` run starts on the plan made as it starts, not on the hash of a plan made
    /// before (which every start found changed, so the incident was blocked and closed).
    @Test func anAutoRunStartsThoughItsProbeReadsAnotherFigureOnEveryPlan() async throws {
        var options = Self.options
        options.runbooks["recount"] = """
            name: recount
            summary: Record the load the probe read, then restart.
            params:
              host: {type: string, default: db1}
            targets:
              db: {hosts: "{{ params.host }}", exactly: 1}
            probes:
              load: {on: db, run: load, parse: json}
            steps:
              - id: record
                on: db
                run: "record {{ probes.load.hosts[host.name].result.load }}"
            """
        options.alertRules = """
            - id: db-looping
              match: ['alertname="DBLooping"']
              runbook: recount
              inventory: lab
              params: {host: "{{ labels.node }}"}
              incident_key: [node]
            """
        try await ServeHarness.with(options) { harness, api in
            harness.transport.on(.equals("load"), host: "db1") { _, state in
                let load = (Int(state.variables["load"] ?? "0") ?? 0) + 1
                state.variables["load"] = String(load)
                return .success("{\"load\": \(load)}\n")
            }
            harness.transport.on(.prefix("record "), host: "db1") { command, state in
                state.variables["recorded"] = String(command.line.dropFirst(7))
                return .success()
            }
            let body = Self.delivery([("DBLooping", "db1", true)], group: "{}:{alertname=\"DBLooping\"}")
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body).code == 202)
            try await harness.until("the start decided") {
                try await Self.decisions(harness).contains { ["started", "blocked"].contains($0.kind) }
            }
            let decisions = try await Self.decisions(harness)
            #expect(decisions.map(\.kind) == ["start", "started"], "\(decisions.map(\.summary))")
            let run = try #require(decisions.last?.run)
            let ended = try await harness.finish(run)
            #expect(ended.status == .ended(.succeeded), "\(ended.status)")
            #expect(harness.transport.variable("recorded", on: "db1") != nil)
        }
    }

    @Test func twoNodesOfAClusterEscalateToOneClusterRunAndNoPerNodeRun() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let body = Self.delivery([("DBDown", "db1", true), ("DBDown", "db2", true)])
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body).code == 202)
            try await harness.until("the escalated run started") {
                try await Self.decisions(harness).contains { $0.kind == "waiting-for-approval" }
            }
            let decisions = try await Self.decisions(harness)
            #expect(decisions.map(\.kind) == ["escalated", "start", "suppressed", "suppressed", "waiting-for-approval"], "\(decisions.map(\.summary))")
            let runs = try await harness.journal.runs()
            #expect(runs.map(\.runbook) == ["rebalance"])
            #expect(harness.transport.variable("restarts", on: "db1") == nil && harness.transport.variable("restarts", on: "db2") == nil)
            let run = try #require(runs.first?.id)
            try await harness.awaitGate(of: run)
            #expect(try await api.post("/api/v1/runs/\(run)/cancel", json: ["reason": "test over"]).code == 202)
        }
    }

    @Test func aRuleThatNeedsApprovalPlansAndWaitsForAnApproverWhoStartsThePlanTheyRead() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let body = Self.delivery([("DBSlow", "db2", true)], group: "{}:{alertname=\"DBSlow\"}")
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body).code == 202)
            try await harness.until("the plan waits for approval") { try await Self.decisions(harness).contains { $0.kind == "waiting-for-approval" } }
            #expect(try await harness.journal.runs().isEmpty)
            let incident = try await api.get("/api/v1/incidents/I1")
            #expect(incident.json["waiting_for_approval"]["runbook"].string == "restart", "\(incident)")
            let waiting = try #require(try await Self.decisions(harness).last)
            let hash = try #require(waiting.summary.components(separatedBy: "plan ").last?.components(separatedBy: " ").first)

            #expect(try await api.post("/api/v1/incidents/I1/approve", as: .viewer, json: ["plan_hash": hash]).code == 403)
            let stale = try await api.post("/api/v1/incidents/I1/approve", as: .approver, json: ["plan_hash": String(repeating: "0", count: 64)])
            #expect(stale.code == 409, "\(stale)")
            let approved = try await api.post("/api/v1/incidents/I1/approve", as: .approver, json: ["plan_hash": hash])
            #expect(approved.code == 202, "\(approved)")
            let run = try #require(approved.json["run"].string)
            try await harness.finish(run)
            #expect(harness.transport.variable("restarts", on: "db2") == "1")
            let row = try #require(try await harness.journal.run(run))
            #expect(row.trigger == .alert && row.initiator == Caller.approver.name)
            try await harness.until("the start is decided") { try await Self.decisions(harness).contains { $0.kind == "started" && $0.run == run } }
        }
    }

    @Test func aGuardThatFailsBlocksTheStartAndClosesTheIncidentSayingWhy() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            harness.transport.set("load", to: "50", on: "db1")
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery([("DBDown", "db1", true)])).code == 202)
            try await harness.until("the start is refused") { try await Self.decisions(harness).contains { $0.kind == "closed" } }
            let decisions = try await Self.decisions(harness)
            #expect(decisions.map(\.kind) == ["start", "blocked", "closed"])
            #expect(decisions[1].summary.contains("a loaded host may be recovering"), "\(decisions[1].summary)")
            #expect(try await harness.journal.runs().allSatisfy { $0.status == .ended(.blocked) })
            #expect(harness.transport.variable("restarts", on: "db1") == nil)
        }
    }

    @Test func badDeliveriesAreRefusedAndRecordedButAnUnauthenticatedOneLeavesNothing() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let anonymous = try await api.post("/api/v1/alerts/alertmanager", as: nil, body: Self.delivery([("DBDown", "db1", true)]))
            #expect(anonymous.code == 401)
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .operator, body: Self.delivery([("DBDown", "db1", true)])).code == 403)
            #expect(try await harness.journal.alertInputs().isEmpty)

            let garbage = try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: #"{"version": "4", "alerts": "#)
            #expect(garbage.code == 400, "\(garbage)")
            let old = try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: #"{"version": "3", "alerts": []}"#)
            #expect(old.code == 400 && old.error["field"].string == "version", "\(old)")
            try await harness.until("both decided") { try await Self.decisions(harness).count == 2 }
            #expect(try await Self.decisions(harness).map(\.kind) == ["invalid", "invalid"])
            #expect(try await harness.journal.alertInputs().first?.body == Array(#"{"version": "4", "alerts": "#.utf8))
            let page = try await api.get("/api/v1/decisions?after=1&limit=1")
            #expect(page.json["decisions"][0]["sequence"].int == 2, "\(page)")
            #expect(try await api.get("/api/v1/decisions?since=yesterday").code == 400)
            #expect(try await api.get("/api/v1/incidents?status=maybe").code == 400)
        }
    }

    /// The daemon stops (a restart, an upgrade) while an incident's run is still being planned: the
    /// incident is not closed as failed (Alertmanager would not send the alert again for hours), and
    /// the next daemon makes the start it decided, once.
    @Test func anIncidentsStartMetByAShutdownIsMadeByTheNextDaemon() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            // The plan's probe takes 30 s (by the test clock): the shutdown comes in between.
            harness.transport.on(.equals("load"), host: "db2", reply: .after(.seconds(30), .success("{\"load\": 1}\n")))
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery([("DBDown", "db2", true)])).code == 202)
            try await harness.transport.waitForCommand(.equals("load"), on: "db2", limit: .seconds(90))
            let dispatcher = harness.services.dispatcher
            let drain = Task { await dispatcher.drain(grace: .zero) }
            try await harness.until("the daemon stops accepting") { await !dispatcher.isAccepting }
            harness.clock.advance(by: .seconds(30))
            await drain.value
            #expect(try await harness.journal.runs().isEmpty)
            #expect(try await harness.journal.alertInputs().filter { $0.kind == .startFailed }.isEmpty, "the incident's start was not reported failed")
            #expect(await harness.services.alerts.openIncidents.map(\.id) == ["I1"])

            harness.transport.on(.equals("load"), host: "db2", reply: .success("{\"load\": 1}\n"))
            let restarted = await harness.restarted()
            try await restarted.until("the incident's run started") { try await Self.decisions(restarted).contains { $0.kind == "started" } }
            let run = try #require(try await Self.decisions(restarted).first { $0.kind == "started" }?.run)
            try await restarted.finish(run)
            #expect(try await restarted.journal.runs().map(\.id) == [run])
            #expect(harness.transport.variable("restarts", on: "db2") == "1")
            try await restarted.shutdown()
        }
    }

    @Test func aDeliveryJournaledBeforeTheDaemonDiedIsDecidedOnceAfterItsRestart() async throws {
        try await ServeHarness.with(Self.options) { harness, _ in
            // Journaled, as the receiver does before it answers 202, by a daemon that died before deciding it.
            try await harness.journal.appendAlertInput(.delivery, source: Caller.alerts.name, body: Array(Self.delivery([("DBDown", "db2", true)]).utf8),
                                                       at: harness.clock.now)
            let restarted = await harness.restarted()
            do {
                try await restarted.until("decided and started") { try await Self.decisions(restarted).contains { $0.kind == "started" } }
            } catch {
                let runs = try await restarted.journal.runs().map { "\($0.id) \($0.status) \($0.reason ?? "")" }
                throw WardenTestFailure("\(error): decisions \(try await Self.decisions(restarted).map(\.summary)); runs \(runs); inputs \(try await restarted.journal.alertInputs().map { "\($0.sequence) \($0.kind) \($0.decidedAt != nil)" })")
            }
            let run = try #require(try await Self.decisions(restarted).first { $0.kind == "started" }?.run)
            try await restarted.finish(run)
            let again = await restarted.restarted()
            #expect(try await Self.decisions(again).map(\.kind) == ["start", "started"])
            #expect(await again.services.alerts.openIncidents.map(\.id) == ["I1"])
            #expect(try await again.journal.runs().count == 1)
            #expect(harness.transport.variable("restarts", on: "db2") == "1")
        }
    }

    @Test func anOperatorClosesAnIncident() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery([("DBDown", "db1", true)])).code == 202)
            try await harness.until("started") { try await Self.decisions(harness).contains { $0.kind == "started" } }
            #expect(try await api.post("/api/v1/incidents/I1/close", as: .viewer, json: ["reason": "x"]).code == 403)
            #expect(try await api.post("/api/v1/incidents/I9/close", json: ["reason": "x"]).code == 404)
            let closed = try await api.post("/api/v1/incidents/I1/close", json: ["reason": "fixed by hand"])
            #expect(closed.code == 200, "\(closed)")
            #expect(closed.json["status"].string == "closed")
            #expect(try await Self.decisions(harness).last?.summary.contains("closed by an operator: fixed by hand") == true)
        }
    }
}

extension AlertRouteTests {
    @Test func deliveriesArrivingTogetherAreEachJournaledOnceAndDecided() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for index in 0..<40 {
                    // Forty distinct notifications of one alert: one run, the rest attached or duplicates.
                    let body = Self.delivery([("DBDown", "db1", true)], group: "{}:{alertname=\"DBDown\"}#\(index)")
                    group.addTask { try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.code == 202 }, "\(replies.filter { $0.code != 202 })")
            try await harness.until("all decided") { try await harness.journal.alertInputs().filter { $0.kind == .delivery }.allSatisfy { $0.decidedAt != nil } }
            // Each reply names its own delivery's input. Not 1...40: the run's start is an input too, and may be
            // journaled between two deliveries.
            let deliveries = try await harness.journal.alertInputs().filter { $0.kind == .delivery }.map(\.sequence)
            #expect(Set(replies.compactMap { $0.json["input"].int }) == Set(deliveries) && deliveries.count == 40, "\(replies.map { $0.json["input"].int ?? -1 })")
            let kinds = try await Self.decisions(harness).map(\.kind)
            #expect(kinds.filter { $0 == "start" }.count == 1, "\(kinds)")
            #expect(try await harness.journal.alertInputs().filter { $0.kind == .delivery }.count == 40)
            #expect(try await harness.journal.verifyAudit() == nil)
        }
    }
}

extension AlertRouteTests {
    @Test func theAlertMetricsCountDeliveriesDecisionsAndOpenIncidents() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let body = Self.delivery([("DBDown", "db1", true)])
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body).code == 202)
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body).code == 202)
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: "{").code == 400)
            try await harness.until("decided") { try await Self.decisions(harness).contains { $0.kind == "started" } }
            let text = try await api.get("/metrics", as: nil).text
            for line in [#"warden_alert_deliveries_total{result="accepted"} 1"#, #"warden_alert_deliveries_total{result="duplicate"} 1"#,
                         #"warden_alert_deliveries_total{result="rejected"} 1"#, #"warden_decisions_total{rule="db-down",decision="start"} 1"#,
                         #"warden_decisions_total{rule="none",decision="invalid"} 1"#, "warden_incidents_open 1"] {
                #expect(text.contains(line), "\(line) is not in:\n\(text)")
            }
        }
    }

    /// Truncated, mangled and random bodies: a 400 or a 202, never a 5xx, each journaled and decided.
    @Test func garbageBodiesAreRefusedOrDecidedButNeverCrashTheReceiver() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            var random = SeededGenerator(seed: 16)
            let valid = Array(Self.delivery([("DBDown", "db1", true), ("DBDown", "db2", true)]).utf8)
            var sent = 0
            for round in 0..<150 {
                var bytes = valid
                switch round % 3 {
                case 0: bytes = Array(valid.prefix(Int.random(in: 0..<valid.count, using: &random)))
                case 1:
                    for _ in 0..<Int.random(in: 1...8, using: &random) {
                        bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                    }
                default: bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                }
                let reply = try await api.call(.post, "/api/v1/alerts/alertmanager", as: .alerts, bytes: bytes)
                #expect(reply.code == 202 || reply.code == 400, "\(reply)")
                sent += 1
            }
            let total = sent
            try await harness.until("all decided") {
                let inputs = try await harness.journal.alertInputs().filter { $0.kind == .delivery }
                return inputs.count == total && inputs.allSatisfy { $0.decidedAt != nil }
            }
            #expect(try await harness.journal.verifyAudit() == nil)
        }
    }
}

extension AlertRouteTests {
    /// The `notify:` webhook hears of the decisions that need a person, as JSON naming the rule,
    /// incident and run, with its bearer token read from the token file.
    @Test func decisionsThatNeedAPersonReachTheNotifyWebhook() async throws {
        let received = Mutex<[(authorization: String?, body: Data)]>([])
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let body = Data(buffer: bytes)
            let authorization = request.headers[.authorization]
            received.withLock { $0.append((authorization, body)) }
            return .noContent
        }
        var logger = Logger(label: "notify-receiver")
        logger.logLevel = .critical
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("warden-notify-\(UUID().uuidString)").path
            try "hook-token-3f9\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: tokenFile) }
            var options = Self.options
            options.notify = [NotifyTarget(url: "http://127.0.0.1:\(port)/hook", tokenFile: tokenFile)]
            try await ServeHarness.with(options) { harness, api in
                // Two nodes escalate to the gated rebalance: escalated, then its run waits for an approver.
                let body = Self.delivery([("DBDown", "db1", true), ("DBDown", "db2", true)])
                #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body).code == 202)
                try await harness.until("both notifications arrive", limit: .seconds(30)) { received.withLock { $0.count >= 2 } }
                let events = received.withLock { $0 }.map { event in
                    (authorization: event.authorization, body: (try? JSONSerialization.jsonObject(with: event.body) as? [String: Any]) ?? [:])
                }
                #expect(Set(events.compactMap { $0.body["event"] as? String }) == ["escalated", "waiting-for-approval"], "\(events.map(\.body))")
                #expect(events.allSatisfy { $0.authorization == "Bearer hook-token-3f9" })
                #expect(events.allSatisfy { $0.body["incident"] as? String == "I1" && $0.body["rule"] as? String == "db-down" })
                let run = try #require(try await harness.journal.runs().first?.id)
                #expect(events.contains { $0.body["run"] as? String == run })
                try await harness.awaitGate(of: run)
                #expect(try await api.post("/api/v1/runs/\(run)/cancel", json: ["reason": "test over"]).code == 202)
            }
        }
    }
}

extension AlertRouteTests {
    /// Two approvers answering at once start one run: the first claims the incident's start.
    @Test func twoApproversAtOnceStartOneRun() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let body = Self.delivery([("DBSlow", "db2", true)], group: "{}:{alertname=\"DBSlow\"}")
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: body).code == 202)
            try await harness.until("the plan waits for approval") { try await Self.decisions(harness).contains { $0.kind == "waiting-for-approval" } }
            let waiting = try #require(try await Self.decisions(harness).last)
            let hash = try #require(waiting.summary.components(separatedBy: "plan ").last?.components(separatedBy: " ").first)
            async let first = api.post("/api/v1/incidents/I1/approve", as: .approver, json: ["plan_hash": hash])
            async let second = api.post("/api/v1/incidents/I1/approve", as: .approver2, json: ["plan_hash": hash])
            let codes = try await [first.code, second.code].sorted()
            #expect(codes == [202, 404], "\(codes)")
            #expect(try await harness.journal.runs().count == 1)
        }
    }
}
