import Foundation
import Testing
@testable import WardenCore

/// The windowed rules of watches: "N of M" and "N consecutive" samples, and
/// a value that keeps going down (flapping).
@Suite("Watch rules over samples")
struct WatchRuleTests {
    @Test func rulesAreReadFromTheirText() {
        #expect(SampleRule.parse("3 of 5") == SampleRule(breaches: 3, of: 5))
        #expect(SampleRule.parse("4 consecutive") == SampleRule(breaches: 4, of: 4))
        for bad in ["", "3", "5 of 3", "0 of 2", "three of five", "3 of", "2 consecutively", "1 of 5000"] {
            #expect(SampleRule.parse(bad) == nil, "\(bad)")
        }
        #expect(SampleRule(breaches: 3, of: 5).description == "3 of 5")
        #expect(SampleRule(breaches: 2, of: 2).description == "2 consecutive")
    }

    /// Feeds samples in order; whether the rule was met after each.
    private func feed(_ history: inout SampleHistory, _ breaches: [Bool]) -> [Bool] {
        breaches.map { history.record(breach: $0) }
    }

    @Test func nOfTheLastMSamples() {
        var history = SampleHistory(rule: SampleRule(breaches: 2, of: 3))
        // The first breach has left the window by the fourth sample.
        let met = feed(&history, [true, false, false, true, true])
        #expect(met == [false, false, false, false, true])
        #expect(history.breachCount == 2 && history.sampleCount == 3)
    }

    @Test func consecutiveSamplesResetOnAGoodOne() {
        var history = SampleHistory(rule: SampleRule(breaches: 3, of: 3))
        let met = feed(&history, [true, true, false, true, true, true])
        #expect(met == [false, false, false, false, false, true])
    }

    @Test func decreasesAreCountedPerHostWithinTheDuration() {
        var history = SampleHistory(rule: .each)
        let start = ContinuousClock.now
        let within = Duration.seconds(60)
        // (host, seconds after start, value) → falls counted within the last minute.
        let samples: [(String, Int, Double)] = [
            ("a", 0, 2), ("a", 10, 1),
            ("b", 15, 0), // another host's values are its own
            ("a", 20, 2), ("a", 30, 1),
            ("a", 80, 1), // seventy seconds on, the first fall has left the window
            ("a", 200, 1),
        ]
        let falls = samples.map { host, seconds, value in
            history.record(value: value, host: host, at: start + .seconds(seconds), within: within)
        }
        #expect(falls == [0, 1, 0, 1, 2, 1, 0])
    }

    @Test func aWatchsRulesAreCheckedWhereTheyAreWritten() {
        let yaml = """
            name: w
            targets:
              db: {hosts: db, exactly: 1}
            probes:
              status: {on: db, run: "fdbcli --exec 'status json'", parse: fdb.status}
            watch:
              - {every: 10s, probe: status, abort_if: "result.data.moving_bytes > 0", for: "5 of 3"}
              - {every: 10s, probe: status, decreased: {value: result.fault_tolerance.data, times: 0, within: 10m}}
              - {every: 10s, probe: status, for: "2 consecutive", decreased: {value: result.fault_tolerance.data, times: 2, within: 10m}}
              - {every: 10s, probe: status}
            steps:
              - {id: look, on: db, check: "true"}
            """
        let result = Runbook.parse(yaml: yaml, file: "w.yaml")
        let messages = result.diagnostics.map(\.description)
        #expect(messages.contains { $0.hasPrefix("w.yaml:7:80: error: for must be \"N of M\"") }, "\(messages)")
        #expect(messages.contains { $0 == "w.yaml:8:88: error: times must be an integer, 1...1000, got '0'" }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("w.yaml:9:33: error: 'for' counts samples where abort_if holds") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("w.yaml:10:5: error: a watch needs 'every'") }, "\(messages)")
    }
}
