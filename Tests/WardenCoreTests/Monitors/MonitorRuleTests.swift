import Foundation
import Testing
@testable import WardenCore

/// Monitor rules as a rules file writes them: what loads, what is refused
/// where it is written, and how each window judges a history of points.
@Suite("Monitor rules")
struct MonitorRuleTests {
    static func rules(_ monitor: String) throws -> Runbook {
        try RunbookFixtures.load("""
            rules: r
            targets:
              all: {hosts: "*"}
            probes:
              p: {on: all, run: "cat /x", parse: json}
            monitor:
            \(monitor)
            """)
    }

    static func points(_ breaches: [Bool?], every seconds: Double = 60, values: [Double?]? = nil) -> [MonitorPoint] {
        breaches.enumerated().map { index, breach in
            MonitorPoint(time: Date(timeIntervalSince1970: 1_000_000 + seconds * Double(index)), breach: breach, value: values?[index])
        }
    }

    @Test func aGapInTheSamplesBreaksASustainedStreak() throws {
        let rule = try #require(try Self.rules("  - {name: r, probe: p, fires: result.x > 1, for: 5m}").monitorRules.first)
        #expect(rule.verdict(over: Self.points(Array(repeating: true, count: 6)), interval: .seconds(60)).isFiring)
        // Six breaching samples, but with a 10-minute hole after the second: nobody saw minutes 2 to 11.
        var gapped = Self.points(Array(repeating: true, count: 6))
        gapped = gapped.enumerated().map { index, point in
            MonitorPoint(time: point.time.addingTimeInterval(index >= 2 ? 600 : 0), breach: true, value: nil)
        }
        let verdict = rule.verdict(over: gapped, interval: .seconds(60))
        #expect(verdict.name == "pending", "\(verdict.detail)")
    }

    @Test func samplesCountsTheLatestOnesAndAnUnjudgedSampleIsUnknown() throws {
        let rule = try #require(try Self.rules("  - {name: r, probe: p, fires: result.x > 1, samples: \"2 of 3\"}").monitorRules.first)
        #expect(rule.verdict(over: Self.points([true, false, true]), interval: .seconds(60)).isFiring)
        #expect(rule.verdict(over: Self.points([true, false, false, true]), interval: .seconds(60)).name == "pending")
        #expect(rule.verdict(over: Self.points([true, true, nil]), interval: .seconds(60)).name == "unknown")
        #expect(rule.verdict(over: [], interval: .seconds(60)).name == "unknown")
    }

    @Test func theRulesConditionAndWindowReadAsWritten() throws {
        let runbook = try Self.rules("""
              - {name: a, probe: p, fires: result.x > 1}
              - {name: b, probe: p, fires: result.x > 1, minutes: {count: 3, within: 10m}, severity: critical}
              - {name: c, probe: p, value: result.x, increased: {minutes: 5, within: 1h}}
            """)
        #expect(runbook.monitorRules.map(\.conditionText) == [
            "result.x > 1", "result.x > 1 in 3 separate minutes within 10m", "result.x increased in 5 separate minutes within 1h",
        ])
        #expect(runbook.monitorRules.map(\.severity) == [.warning, .critical, .warning])
        #expect(runbook.monitorRules.map { $0.horizon(interval: .seconds(60)) } == [.zero, .seconds(600), .seconds(3600)])
    }

    @Test func mistakesAreReportedWhereTheyAreWritten() {
        let errors = RunbookFixtures.errors("""
            rules: r
            targets:
              all: {hosts: "*"}
            probes:
              p: {on: all, run: "cat /x", parse: json}
            monitor:
              - {name: a, probe: p}
              - {name: b, probe: p, fires: result.x, value: result.x, decreased: {times: 2, within: 1h}}
              - {name: c, probe: p, decreased: {times: 2, within: 1h}}
              - {name: d, probe: p, fires: result.x > 1, for: 5m, minutes: {count: 2, within: 5m}}
              - {name: e, probe: p, fires: result.x > 1, minutes: {count: 20, within: 10m}}
              - {name: f, probe: q, fires: result.x > 1, severity: loud}
              - {name: a, probe: p, fires: "true"}
              - {name: g, probe: p, fires: result.x > 1, every: 1m}
            """)
        #expect(errors == [
            "rb.yaml:7:5: error: a monitor rule needs 'fires' (when a sample breaches) or 'decreased'/'increased' (its value moving)",
            "rb.yaml:8:25: error: 'fires' and 'decreased' are two rules; a rule with 'decreased' fires when its value moves; write the condition as its own rule",
            "rb.yaml:9:25: error: 'decreased' counts moves of the rule's 'value'; give it one; e.g. value: result.fault_tolerance.availability",
            "rb.yaml:10:55: error: a monitor rule has one window: 'for', 'minutes' or 'samples'",
            "rb.yaml:11:55: error: minutes: 20 separate minutes do not fit within 10m",
            "rb.yaml:12:22: error: unknown probe 'q' in monitor rule 'f'; did you mean 'p'?",
            "rb.yaml:12:56: error: severity must be critical, warning or info, got 'loud'",
            "rb.yaml:13:12: error: duplicate monitor rule 'a' (first at line 7, column 12)",
            "rb.yaml:14:46: error: unknown key 'every' in a monitor rule; how often samples are taken is the monitor's (warden serve's `monitors:`, default 1m), not the rule's",
        ], "\(errors.joined(separator: "\n"))")
    }

    @Test func monitorRulesBelongInARulesFile() {
        let errors = RunbookFixtures.errors("name: x\nmonitor: []\nsteps: []\n")
        #expect(errors.first?.contains("unknown key 'monitor' at the top level of the runbook; monitor rules live in a rules file") == true,
                "\(errors)")
    }
}
