import Foundation
import Testing
import WardenCore
import WardenTesting

extension ServeLive {
    /// `monitors:` end to end: `warden serve` samples `runbooks/fdb/rules/alerts.yaml` every second
    /// over SSH on the fdbcli double; when the cluster's fault tolerance drops two below what it is
    /// built for, the rule's alert opens an incident through the same alert rules, and the
    /// configured runbook runs once, with every decision recorded; when it comes back, the
    /// incident closes.
    @Suite("Monitors")
    struct Monitors {
        static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        static let double = repository.appendingPathComponent("Tests/Doubles/fdbcli").path
        static let sample = repository.appendingPathComponent("Tests/WardenCoreTests/Fixtures/fdb/healthy-7.1-double-8proc.json").path
        static let availability = "cluster.fault_tolerance.max_zone_failures_without_losing_availability"

        /// Sets `path` to `value` in the double's wrapper state (as the cluster changing under the monitor).
        static func set(_ state: String, _ path: String, _ value: Any) throws {
            var wrapper = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state))) as? [String: Any])
            var sets = wrapper["set"] as? [[Any]] ?? []
            sets.append([path, value])
            wrapper["set"] = sets
            try JSONSerialization.data(withJSONObject: wrapper).write(to: URL(fileURLWithPath: state), options: .atomic)
        }

        static func decisions(_ api: TestHTTPClient) async throws -> [[String: Any]] {
            let answer = try await api.get("/api/v1/decisions")
            guard answer.status == 200 else { throw TestFailure("GET /api/v1/decisions: \(answer)") }
            return try answer.json()["decisions"] as? [[String: Any]] ?? []
        }

        @Test func aFaultToleranceDropOpensAnIncidentRunsTheRunbookOnceAndClosesWhenItReturns() async throws {
            try await withFleet(hosts: 1, logCommands: true) { fleet in
                let state = fleet.directory.appendingPathComponent("fdb-state.json").path
                let made = try await runProcess(Self.double, ["--init-state", state, "--base", Self.sample,
                                                              "--set", "cluster.recovery_state.seconds_since_last_recovered=600"])
                #expect(made.status == 0, "\(made.stderr)")
                let inventory = try fleet.writeInventory(named: "fdb-inventory.yaml", groups: ["fdb-admin"],
                                                         vars: [("fdbcli", "[env, \"FDB_FAKE_STATE=\(state)\", \"\(Self.double)\"]")])
                // The remediation: a note on the admin host, so the test can count how often it ran.
                let runbooks = fleet.directory.appendingPathComponent("site-runbooks").path
                try FileManager.default.createDirectory(atPath: runbooks, withIntermediateDirectories: true)
                let notes = fleet.directory.appendingPathComponent("pages").path
                try """
                    name: fdb-page
                    params:
                      rule: {type: string, required: true}
                    targets:
                      admin: {hosts: fdb-admin, exactly: 1}
                    steps:
                      - id: note
                        on: admin
                        run: "echo {{ params.rule }} >> \(notes)"
                        unguarded: writes a note for the on-call operator
                    """.write(toFile: runbooks + "/page.yaml", atomically: true, encoding: .utf8)
                let site = try ServeSite(in: fleet.directory.path, inventories: ["fdb": inventory], runbooks: [runbooks], extra: """
                    alerts: {duplicate_window: 0s}
                    alert_rules:
                      - id: fdb-fault-tolerance
                        match: ['monitor="fdb-main"', 'rule="fault_tolerance_two_below"']
                        runbook: fdb-page
                        inventory: fdb
                        params: {rule: "{{ labels.rule }}"}
                        incident_key: [monitor, rule]
                    monitors:
                      - id: fdb-main
                        rules: \(PackageRoot.url.appendingPathComponent("runbooks/fdb/rules/alerts.yaml").path)
                        inventory: fdb
                        params: {expected_fault_tolerance: 2, expected_processes: 8}
                        every: 1s
                        labels: {cluster: main}

                    """)
                try await site.addToken("vera", roles: ["viewer"])
                var serve = try await site.start()
                let api = site.api("vera")
                func figure(_ rule: String) async throws -> String? {
                    let text = try await api.get("/metrics").text
                    let prefix = "warden_monitor_value{monitor=\"fdb-main\",figure=\"\(rule)\"} "
                    return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
                }
                do {
                    // Sampling: the fault tolerance the double reports (1) is exported as a figure.
                    try await poll("the monitor's first samples", limit: .seconds(60)) { try await figure("fault_tolerance_two_below") == "1.0" }
                    let quiet = try await Self.decisions(api)
                    #expect(quiet.isEmpty, "nothing fires on a healthy cluster one zone short: \(quiet)")

                    try Self.set(state, Self.availability, 0)
                    try await poll("the incident's run to start", limit: .seconds(60)) {
                        try await Self.decisions(api).contains { $0["kind"] as? String == "started" }
                    }
                    try await poll("the note") { (try? String(contentsOfFile: notes, encoding: .utf8)) == "fault_tolerance_two_below\n" }
                    // Still down for a few more samples: the incident is open, no second run.
                    let before = try await figure("fault_tolerance_two_below")
                    #expect(before == "0.0")
                    try await Task.sleep(for: .seconds(3))
                    let all = try await Self.decisions(api)
                    let started = all.filter { $0["kind"] as? String == "start" }
                    #expect(started.count == 1, "\(all)")
                    #expect(started.first?["rule"] as? String == "fdb-fault-tolerance")

                    // A restart while it fires: the windows come back from the journal, the firing rule is
                    // announced again, and the decider takes that for what it decided already. No second run.
                    _ = try await serve.terminate()
                    serve = try await site.start()
                    try await poll("samples after the restart", limit: .seconds(60)) {
                        let text = try await api.get("/metrics").text
                        return text.contains("warden_monitor_rules_firing{monitor=\"fdb-main\"} 1.0")
                    }
                    try await Task.sleep(for: .seconds(2))
                    let afterRestart = try await Self.decisions(api)
                    #expect(afterRestart.filter { $0["kind"] as? String == "start" }.count == 1, "\(afterRestart)")
                    #expect((try? String(contentsOfFile: notes, encoding: .utf8)) == "fault_tolerance_two_below\n")

                    try Self.set(state, Self.availability, 1)
                    try await poll("the incident to close", limit: .seconds(60)) {
                        try await Self.decisions(api).contains { $0["kind"] as? String == "closed" }
                    }
                    #expect(try String(contentsOfFile: notes, encoding: .utf8) == "fault_tolerance_two_below\n")
                } catch {
                    throw TestFailure("\(error)\ndecisions: \(try await Self.decisions(api))\nwarden serve logged:\n\(serve.output)")
                }
                _ = try await serve.terminate()
            }
        }
    }
}
