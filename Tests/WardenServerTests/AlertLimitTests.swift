import Foundation
import Testing
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// The limits over every alert rule together (`alerts:` in the serve config), in-process on the
/// test clock: a storm of alerts about different hosts never becomes a storm of changes.
@Suite("Alert limits over all rules")
struct AlertLimitTests {
    /// One incident per node, no escalation: each node's alert would start its own run.
    static func rules(runbook: String) -> String {
        """
        - id: node-down
          match: ['alertname="NodeDown"']
          runbook: \(runbook)
          inventory: lab
          params: {host: "{{ labels.node }}"}
          incident_key: [node]
        """
    }

    static func delivery(_ node: String) -> String {
        AlertRouteTests.delivery([("NodeDown", node, true)], group: "{}:{node=\"\(node)\"}")
    }

    @Test func theRunLimitOverAllRulesHoldsBackAnotherHostsRunAndARepeatActsOnceItLapses() async throws {
        var options = ServeHarness.Options()
        options.alertRules = Self.rules(runbook: "restart")
        options.alertLimits = AlertLimits(maxRuns: AlertRunLimit(count: 1, within: .seconds(3600)))
        try await ServeHarness.with(options) { harness, api in
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery("db1")).code == 202)
            try await harness.until("db1's run started") { try await harness.journal.alertDecisions().contains { $0.kind == "started" } }
            let first = try #require(try await harness.journal.alertDecisions().first { $0.kind == "started" }?.run)
            _ = try await harness.finish(first)

            // Another node within the hour: held back, and the decision says by what.
            harness.clock.advance(by: .seconds(600))
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery("db2")).code == 202)
            try await harness.until("db2 decided") { try await harness.journal.alertDecisions().contains { $0.kind == "throttled" } }
            let throttled = try #require(try await harness.journal.alertDecisions().first { $0.kind == "throttled" })
            #expect(throttled.summary.contains("alerts.max_runs 1 within 1h over all rules reached"), "\(throttled.summary)")
            #expect(harness.transport.variable("restarts", on: "db2") == nil)

            // Alertmanager repeats the unchanged notification hours later (repeat_interval): the limit
            // has lapsed and nothing open covers the alert, so it is acted on now, not taken for a twin.
            harness.clock.advance(by: .seconds(4 * 3600))
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery("db2")).code == 202)
            try await harness.until("db2's run started") {
                try await harness.journal.alertDecisions().filter { $0.kind == "started" }.count == 2
            }
            let second = try #require(try await harness.journal.alertDecisions().last { $0.kind == "started" }?.run)
            _ = try await harness.finish(second)
            #expect(harness.transport.variable("restarts", on: "db2") == "1")
            // A twin of that repeat within the minute is still a duplicate.
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery("db2")).code == 202)
            try await harness.until("every input decided") { try await harness.journal.alertInputs().allSatisfy { $0.decidedAt != nil } }
            let kinds = try await harness.journal.alertDecisions().map(\.kind)
            #expect(kinds.filter { $0 == "start" }.count == 2 && kinds.last == "duplicate", "\(kinds)")
        }
    }

    @Test func aRunThatWouldTakeTheHostsInRemediationPastTheLimitIsNotStarted() async throws {
        var options = ServeHarness.Options()
        options.runbooks = ["slow-restart": ServeHarness.restart.replacingOccurrences(of: "name: restart", with: "name: slow-restart")
            + "\n  - id: settle\n    pause: 1h\n"]
        options.alertRules = Self.rules(runbook: "slow-restart")
        options.alertLimits = AlertLimits(maxTargetsInRemediation: 1)
        try await ServeHarness.with(options) { harness, api in
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery("db1")).code == 202)
            try await harness.until("db1's run started") { try await harness.journal.alertDecisions().contains { $0.kind == "started" } }
            // db1's run is still settling (its pause waits on the test clock): db2's would be a second host.
            #expect(try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: Self.delivery("db2")).code == 202)
            try await harness.until("db2's start refused") { try await harness.journal.alertDecisions().contains { $0.kind == "blocked" } }
            let blocked = try #require(try await harness.journal.alertDecisions().first { $0.kind == "blocked" })
            #expect(blocked.summary.contains("max_targets_in_remediation 1: 1 hosts are being remediated by 1 runs, and this run would change 1 more"),
                    "\(blocked.summary)")
            #expect(try await harness.journal.runs().filter { $0.trigger == .alert && $0.status == .running }.count == 1)
            #expect(harness.transport.variable("restarts", on: "db2") == nil)
        }
    }
}
