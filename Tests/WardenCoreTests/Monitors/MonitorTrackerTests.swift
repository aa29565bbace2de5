import Foundation
import Testing
@testable import WardenCore

/// A monitor's memory: which rules start and stop firing as rounds come in, the same when the
/// rounds are replayed from their journal records, and the delivery that hands them to
/// incident automation.
@Suite("Monitor tracker")
struct MonitorTrackerTests {
    static let monitor = MonitorConfiguration(id: "fdb-main", rules: "alerts.yaml", inventory: "fdb", every: .seconds(60), labels: ["cluster": "main"])

    static func tracker() throws -> MonitorTracker {
        let rules = try RunbookFixtures.load("""
            rules: r
            targets:
              all: {hosts: "*"}
            probes:
              p: {on: all, run: "cat /x", parse: json}
            monitor:
              - {name: down, probe: p, value: result.up, fires: result.up != true, severity: critical, message: it is down}
              - {name: slow, probe: p, value: result.latency, fires: result.latency > 1, for: 2m}
            """).monitorRules
        return MonitorTracker(monitor: monitor, rules: rules)
    }

    static func round(_ minute: Int, down: Bool?, slow: Bool?) -> (points: [String: MonitorPoint], time: Date) {
        let time = Date(timeIntervalSince1970: 1_767_225_600 + 60 * Double(minute))
        return (["down": MonitorPoint(time: time, breach: down, value: down.map { $0 ? 0 : 1 }),
                 "slow": MonitorPoint(time: time, breach: slow, value: slow.map { $0 ? 2.5 : 0.1 })], time)
    }

    static let rounds = [(false, false), (true, true), (true, true), (true, true), (false, true), (nil, false), (false, false)]

    @Test func rulesStartAndStopFiringAsTheirWindowsSayAndAnUnknownSampleChangesNothing() throws {
        var tracker = try Self.tracker()
        var changes: [MonitorTracker.Change] = []
        for (minute, (down, slow)) in Self.rounds.enumerated() {
            let round = Self.round(minute, down: down, slow: slow)
            changes.append(tracker.add(round.points, at: round.time))
        }
        #expect(changes.map(\.started) == [[], ["down"], [], ["slow"], [], [], []])
        // down stops at minute 4; the unknown sample at minute 5 neither resolves nor fires it again; slow stops at 5.
        #expect(changes.map { $0.stopped.map(\.rule) } == [[], [], [], [], ["down"], ["slow"], []])
        #expect(tracker.firingSince.isEmpty)
    }

    @Test func replayingTheJournalRecordsComesBackToTheSameState() throws {
        var live = try Self.tracker()
        var records: [(MonitorRecord, Date)] = []
        for (minute, (down, slow)) in Self.rounds.prefix(4).enumerated() {
            let round = Self.round(minute, down: down, slow: slow)
            live.add(round.points, at: round.time)
            records.append((MonitorRecord(monitor: "fdb-main", points: round.points), round.time))
        }
        var replayed = try Self.tracker()
        for (record, time) in records {
            let decoded = try #require(MonitorRecord.decode(record.encoded()))
            replayed.add(decoded.points(at: time), at: time)
        }
        #expect(replayed.firingSince == live.firingSince)
        #expect(Set(replayed.firingSince.keys) == ["down", "slow"])
    }

    @Test func theDeliveryIsOneAlertmanagerReadsWithTheMonitorsLabels() throws {
        var tracker = try Self.tracker()
        let round = Self.round(0, down: true, slow: false)
        tracker.add(round.points, at: round.time)
        let rule = try #require(tracker.rules.first)
        let firing = MonitorDelivery.body([MonitorDelivery.Alert(rule: rule, since: round.time, ended: nil, value: 0, detail: "holds now")], of: tracker)
        let delivery = try AlertmanagerDelivery.decode(firing)
        #expect(delivery.status == .firing)
        let alert = try #require(delivery.alerts.first)
        #expect(alert.labels == ["alertname": "down", "rule": "down", "monitor": "fdb-main", "severity": "critical", "cluster": "main"])
        #expect(alert.annotations["summary"] == "it is down")
        #expect(alert.annotations["value"] == "0")
        // Resolved: the same fingerprint and start, so the decider pairs it with the firing one.
        let resolved = try AlertmanagerDelivery.decode(MonitorDelivery.body(
            [MonitorDelivery.Alert(rule: rule, since: round.time, ended: round.time.addingTimeInterval(120), value: 1, detail: "")], of: tracker))
        #expect(resolved.status == .resolved)
        #expect(resolved.alerts.first?.fingerprint == alert.fingerprint)
        #expect(resolved.alerts.first?.startsAt == alert.startsAt)
    }
}
