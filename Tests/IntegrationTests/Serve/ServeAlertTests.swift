import Foundation
import Testing
import WardenCore
import WardenTesting

extension ServeLive {
    /// Incident automation with every part real: Debian's Alertmanager groups and delivers the
    /// alerts the test posts to it, `warden serve` decides on them, and the shipped runbooks act
    /// over SSH on the Pegasus test cluster.
    @Suite("Alerts")
    struct Alerts {
        /// Per node, a read-only inspection; at three nodes of one cluster, the cluster is frozen once.
        static let rules = """
            alerts: {duplicate_window: 0s}
            alert_rules:
              - id: replica-down
                match: ['alertname="PegasusReplicaServerDown"']
                runbook: pegasus-inspect
                inventory: pegasus
                incident_key: [cluster, node]
                escalate: {when: "count(distinct labels.node) >= 3", run: pegasus-freeze-on-mass-failure, scope: [cluster], params: {incident_mode: "true"}}

            """

        static func replicaDown(_ node: String, startsAt: Date) -> TestAlert {
            TestAlert(labels: ["alertname": "PegasusReplicaServerDown", "cluster": "demo", "node": node, "severity": "page"],
                      annotations: ["summary": "replica server \(node) is UNALIVE"], startsAt: startsAt)
        }

        static func decisions(_ api: TestHTTPClient) async throws -> [[String: Any]] {
            let answer = try await api.get("/api/v1/decisions")
            guard answer.status == 200 else { throw TestFailure("GET /api/v1/decisions: \(answer)") }
            return try answer.json()["decisions"] as? [[String: Any]] ?? []
        }

        static func kinds(_ api: TestHTTPClient) async throws -> [String] {
            try await decisions(api).compactMap { $0["kind"] as? String }
        }

        @Test func threeReplicaServersDownFreezeTheClusterOnceRepeatsAttachAndTheIncidentClosesWhenTheyReturn() async throws {
            try await withFleet(hosts: 1, logCommands: true) { fleet in
                let down = ["127.0.0.1:34802", "127.0.0.1:34803", "127.0.0.1:34804"]
                let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--unalive", down.joined(separator: ",")])
                let site = try ServeSite(in: fleet, inventories: ["pegasus": pegasus.inventoryPath], extra: Self.rules)
                let token = try await site.addToken("alertmanager", roles: ["alerts"])
                try await site.addToken("vera", roles: ["viewer"])
                let serve = try await site.start()
                let api = site.api("vera")
                let alertmanager = try await AlertmanagerProcess.started(receiverURL: "http://127.0.0.1:\(site.port)/api/v1/alerts/alertmanager", token: token,
                                                                         groupBy: ["alertname", "cluster"], groupWait: .seconds(2),
                                                                         repeatInterval: .seconds(2))

                // Fired now, together: Alertmanager holds the group for group_wait and sends the three in one
                // delivery (an alert that started longer than group_wait ago is sent at once, alone).
                let since = Date()
                try await alertmanager.post(alerts: down.map { Self.replicaDown($0, startsAt: since) })
                do {
                    try await poll("the freeze to start", limit: .seconds(60)) { try await Self.kinds(api).contains("started") }
                } catch {
                    throw TestFailure("\(error)\ndecisions: \(try await Self.decisions(api))\nwarden serve logged:\n\(serve.output)\nalertmanager logged:\n\(alertmanager.output)")
                }
                let started = try #require(try await Self.decisions(api).first { $0["kind"] as? String == "started" })
                let run = try #require(started["run"] as? String)
                try await poll("the freeze to end") {
                    let detail = try await api.get("/api/v1/runs/\(run)").json()
                    return (detail["run"] as? [String: Any])?["status"] as? String != "running"
                }
                let row = try await api.get("/api/v1/runs/\(run)").json()["run"] as? [String: Any]
                #expect(row?["status"] as? String == "succeeded", "\(String(describing: row))\n\(serve.output)")
                #expect(row?["runbook"] as? String == "pegasus-freeze-on-mass-failure")
                #expect(row?["trigger"] as? String == "alert")
                #expect(pegasus.metaLevel == "freezed")
                #expect(pegasus.levelsSet == ["freezed"], "\(pegasus.commands)")

                // Alertmanager repeats the group every 2 s: each repeat is attached to the open incident.
                try await poll("four repeats") { try await Self.kinds(api).filter { $0 == "attached" }.count >= 4 }
                let kinds = try await Self.kinds(api)
                #expect(kinds.filter { $0 == "escalated" }.count == 1, "\(kinds)")
                #expect(kinds.filter { $0 == "start" }.count == 1, "one run, and no per-node inspection: \(kinds)")
                #expect(kinds.filter { $0 == "suppressed" }.count == 3, "\(kinds)")
                let runs = try await api.get("/api/v1/runs?trigger=alert").json()["runs"] as? [[String: Any]] ?? []
                #expect(runs.map { $0["id"] as? String } == [run])

                // The nodes return and the alerts resolve: the incident closes, saying why.
                try pegasus.edit { state in
                    state["nodes"] = (state["nodes"] as? [[String: Any]] ?? []).map { node in
                        var node = node
                        node["status"] = "ALIVE"
                        return node
                    }
                }
                try await alertmanager.post(alerts: down.map { Self.replicaDown($0, startsAt: since).resolved() })
                try await poll("the incident to close") {
                    try await api.get("/api/v1/incidents/I1").json()["status"] as? String == "closed"
                }
                let incident = try await api.get("/api/v1/incidents/I1").json()
                #expect((incident["closed_because"] as? String)?.contains("all its alerts resolved and its runs ended") == true, "\(incident)")
                #expect(incident["runs"] as? [String] == [run])
                #expect(try await api.get("/api/v1/audit/verify").json()["intact"] as? Bool == true)
                let listed = try await warden(["decisions", "--state", site.state, "--incident", "I1"])
                #expect(listed.status == 0 && listed.stdout.contains("escalated: replica-down/escalated{cluster=\"demo\"} has 3 members firing"),
                        "\(listed.stdout)\(listed.stderr)")
                _ = try await alertmanager.stop()
                _ = try await serve.terminate()
            }
        }

        /// A webhook body as Alertmanager sends it, one alert of `node`, `index` making the notification new.
        static func delivery(node: String, index: Int) -> [String: Any] {
            [
                "version": "4", "groupKey": "{}:{alertname=\"PegasusReplicaServerDown\"}#\(index)", "truncatedAlerts": 0, "status": "firing",
                "receiver": "warden", "groupLabels": ["alertname": "PegasusReplicaServerDown"], "commonLabels": [:] as [String: String],
                "commonAnnotations": [:] as [String: String], "externalURL": "http://alertmanager:9093",
                "alerts": [[
                    "status": "firing", "labels": ["alertname": "PegasusReplicaServerDown", "cluster": "demo", "node": node],
                    "annotations": [:] as [String: String], "startsAt": "2026-12-03T02:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://prometheus:9090/graph", "fingerprint": "fp-\(node)",
                ] as [String: Any]],
            ]
        }

        @Test func aDaemonKilledRightAfterAnsweringDeliveriesDecidesEachOnceAfterItsRestart() async throws {
            try await withFleet(hosts: 1, logCommands: true) { fleet in
                let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4"])
                let site = try ServeSite(in: fleet, inventories: ["pegasus": pegasus.inventoryPath], extra: Self.rules)
                try await site.addToken("alertmanager", roles: ["alerts"])
                try await site.addToken("vera", roles: ["viewer"])
                let serve = try await site.start()
                let receiver = site.api("alertmanager")
                let count = 60
                for index in 0..<count {
                    let answer = try await receiver.post("/api/v1/alerts/alertmanager", json: Self.delivery(node: "127.0.0.1:34802", index: index))
                    #expect(answer.status == 202, "\(answer)")
                }
                // Killed at once: the last deliveries are journaled (they were answered) and perhaps not decided yet.
                _ = try await serve.crash()
                let journal = try await Journal.open(directory: site.state)
                #expect(try await journal.alertInputs().filter { $0.kind == .delivery }.count == count, "every answered delivery is in the journal")
                // And one the receiver journaled and answered just before the kill, which nothing decided: written as the receiver
                // writes it, so that the window between journaling and deciding is certainly crossed.
                let body = try JSONSerialization.data(withJSONObject: Self.delivery(node: "127.0.0.1:34802", index: count))
                try await journal.appendAlertInput(.delivery, source: "alertmanager", body: Array(body), at: Date())
                let journaled = try await journal.alertInputs().filter { $0.kind == .delivery }
                let undecided = journaled.filter { $0.decidedAt == nil }.count
                #expect(undecided >= 1)

                let restarted = try await site.start()
                let api = site.api("vera")
                try await poll("every delivery decided after the restart (\(undecided) were not before it)") {
                    try await Journal.open(directory: site.state).alertInputs().filter { $0.kind == .delivery }.allSatisfy { $0.decidedAt != nil }
                }
                let decisions = try await Journal.open(directory: site.state).alertDecisions()
                let deliveryInputs = Set(journaled.map(\.sequence))
                #expect(Set(decisions.map(\.input)).isSuperset(of: deliveryInputs), "each delivery has its decisions")
                #expect(decisions.filter { $0.kind == "start" }.count == 1, "\(decisions.map(\.summary))")
                #expect(decisions.filter { $0.kind == "attached" }.count == count, "\(decisions.map(\.summary))")
                // Decided once: no input has two sets of decisions.
                let perInput = Dictionary(grouping: decisions.filter { deliveryInputs.contains($0.input) }, by: \.input)
                #expect(perInput.values.allSatisfy { $0.count == 1 || $0.map(\.kind) == ["start"] }, "\(perInput)")
                try await poll("the incident's run reported started") { try await Self.kinds(api).contains("started") }
                let runs = try await api.get("/api/v1/runs?trigger=alert").json()["runs"] as? [[String: Any]] ?? []
                #expect(runs.count == 1, "one run, whichever daemon started it: \(runs)")
                #expect(try await Self.kinds(api).filter { $0 == "started" }.count == 1)
                _ = try await restarted.terminate()
            }
        }

        @Test func anAlertThatFlapsIsNotActedOnAgainAndTheDecisionSaysSo() async throws {
            try await withFleet(hosts: 1, logCommands: true) { fleet in
                let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4"])
                let rules = """
                    alert_rules:
                      - id: unhealthy
                        match: ['alertname="PegasusUnhealthy"']
                        runbook: pegasus-inspect
                        inventory: pegasus
                        flapping: {changes: 1, within: 10m}

                    """
                let site = try ServeSite(in: fleet, inventories: ["pegasus": pegasus.inventoryPath], extra: rules)
                let token = try await site.addToken("alertmanager", roles: ["alerts"])
                try await site.addToken("vera", roles: ["viewer"])
                let serve = try await site.start()
                let api = site.api("vera")
                let alertmanager = try await AlertmanagerProcess.started(receiverURL: "http://127.0.0.1:\(site.port)/api/v1/alerts/alertmanager", token: token)
                let labels = ["alertname": "PegasusUnhealthy", "cluster": "demo"]

                // Fires: the inspection runs; resolves: the incident closes once the run has ended.
                let first = TestAlert(labels: labels, startsAt: Date())
                try await alertmanager.post(alerts: [first])
                try await poll("the inspection to start") { try await Self.kinds(api).contains("started") }
                try await alertmanager.post(alerts: [first.resolved()])
                try await poll("the incident to close") { try await Self.kinds(api).contains("closed") }
                // Fires again within the flapping window: firing, resolved, firing is two changes, more than one.
                try await alertmanager.post(alerts: [TestAlert(labels: labels, startsAt: Date())])
                try await poll("the flapping decision") { try await Self.kinds(api).contains("flapping") }
                let flapping = try #require(try await Self.decisions(api).first { $0["kind"] as? String == "flapping" })
                #expect((flapping["summary"] as? String)?.contains("changed firing/resolved 2 times within 10m; not acted on") == true, "\(flapping)")
                let runs = try await api.get("/api/v1/runs?trigger=alert").json()["runs"] as? [[String: Any]] ?? []
                #expect(runs.count == 1, "no run for the flapping alert: \(runs)")
                #expect(try await Self.kinds(api).filter { $0 == "start" }.count == 1)
                _ = try await alertmanager.stop()
                _ = try await serve.terminate()
            }
        }
    }
}
