import Foundation
import Testing
import WardenTesting
@testable import WardenCore

/// Every rule of `runbooks/fdb/rules/alerts.yaml` (FoundationDB's monitoring guide) judged over
/// sequences of `status json` documents printed by the fdbcli double: one sequence that fires
/// it, one that does not, and one at its boundary. One document per minute unless said.
@Suite("FoundationDB alert rules")
struct FDBAlertRulesTests {
    static let base = "healthy-7.1-double-8proc.json"
    /// The sample's processes (8, none excluded) and its busiest log role.
    static let processes = ["105bf6c041f8ec315d03e889c2746ecf", "78c1c84af4481f0df628d40358f0930a", "83084479b50c9c3a09b0286297be3796"]
    static let logInput = "cluster.processes.78c1c84af4481f0df628d40358f0930a.roles.0.input_bytes.hz"
    static let start = Date(timeIntervalSince1970: 1_767_225_605)   // 2026-01-01 00:00:05 UTC

    /// The pack loaded with `params` (expected_processes is 8 unless given) and an admin host.
    struct Pack {
        let context: EngineContext

        init(_ params: [(name: String, text: String)] = []) throws {
            let path = PackageRoot.url.appendingPathComponent("runbooks/fdb/rules/alerts.yaml").path
            let runbook = try RunbookFixtures.runbook(of: Runbook.load(path: path))
            let given = params.contains { $0.name == "expected_processes" } ? params : params + [("expected_processes", "8")]
            context = try EngineContext(runbook: runbook, parameters: try ParameterBinding.bind(runbook, given: given),
                                        targets: ["admin": [InventoryHost.local("fdb-admin", stateFolder: nil)]])
        }

        /// `rule` judged over `documents`, the n-th taken `every` after the first.
        func verdict(_ name: String, _ documents: [HostRecord], every: Duration = .seconds(60)) throws -> MonitorVerdict {
            let rule = try #require(context.runbook.monitorRules.first { $0.name == name }, "no rule \(name)")
            let probe = try #require(context.runbook.probe(for: rule.probe))
            let points = documents.enumerated().map { index, record in
                let sample = ProbeTaking.Sample(records: RecordSet(hosts: [("fdb-admin", record)], status: "ok"), failures: [], runs: [])
                let time = FDBAlertRulesTests.start.addingTimeInterval(every.timeInterval * Double(index))
                return MonitorSampler.point(for: rule, sample: sample, probe: probe, context: context, time: time).0
            }
            return rule.verdict(over: points, interval: every)
        }
    }

    /// `status json` from the double with `sets` applied, as the probe's parser reads it.
    static func document(_ sets: [String] = []) async throws -> HostRecord {
        let state = try await FDBCliDoubleTests.wrapper(base, sets)
        let printed = try await FDBCliDoubleTests.exec("status json", state: state)
        #expect(printed.status == 0, "\(printed.stderr)")
        return HostRecord(stdout: printed.stdout, stderr: "", exit: 0, result: try ParserFixture.parse("fdb.status", printed.stdout))
    }

    static func repeated(_ record: HostRecord, _ count: Int) -> [HostRecord] { Array(repeating: record, count: count) }

    @Test func everyRuleOfTheGuideIsThereByName() throws {
        let names = try Pack().context.runbook.monitorRules.map(\.name)
        #expect(names == [
            "database_unavailable", "fault_tolerance_two_below", "fault_tolerance_one_below", "fault_tolerance_flapping",
            "processes_below_expected", "processes_flapping", "storage_queue_high", "limiting_queue_high", "log_queue_high",
            "log_input_high", "generation_churn", "latency_elevated", "data_lag_very_high", "data_lag_high",
        ])
    }

    @Test func databaseUnavailableFiresAtOnceAndAMissingFigureCountsAsUnavailable() async throws {
        let pack = try Pack()
        let healthy = try await Self.document()
        let down = try await Self.document(["client.database_status.available=false"])
        let unsaid = try await Self.document(["client.database_status.available=null"])
        #expect(try pack.verdict("database_unavailable", [down]).isFiring)
        #expect(try pack.verdict("database_unavailable", [down, healthy]).name == "clear")
        // The guide: "any field can be missing"; a status without it is not a database known to be available.
        #expect(try pack.verdict("database_unavailable", [unsaid]).isFiring)
    }

    @Test func faultToleranceTwoBelowTheExpectedFiresAtTwoNotAtOne() async throws {
        let pack = try Pack([("expected_fault_tolerance", "2")])
        let one = try await Self.document()   // the sample's fault tolerance: 1
        let zero = try await Self.document(["cluster.fault_tolerance.max_zone_failures_without_losing_availability=0"])
        #expect(try pack.verdict("fault_tolerance_two_below", [zero]).isFiring)
        #expect(try pack.verdict("fault_tolerance_two_below", [one]).name == "clear")
        #expect(try Pack([("expected_fault_tolerance", "3")]).verdict("fault_tolerance_two_below", [one]).isFiring)
    }

    @Test func faultToleranceOneBelowFiresOnlyAfterThreeUnbrokenHours() async throws {
        let pack = try Pack([("expected_fault_tolerance", "2")])
        let low = try await Self.document()
        let full = try await Self.document(["cluster.fault_tolerance.max_zone_failures_without_losing_availability=2"])
        // Minutes 0 to 180: three hours exactly.
        #expect(try pack.verdict("fault_tolerance_one_below", Self.repeated(low, 181)).isFiring)
        #expect(try pack.verdict("fault_tolerance_one_below", Self.repeated(low, 180)).name == "pending")
        var broken = Self.repeated(low, 181)
        broken[100] = full
        #expect(try pack.verdict("fault_tolerance_one_below", broken).name == "pending")
        #expect(try pack.verdict("fault_tolerance_one_below", Self.repeated(low, 180) + [full]).name == "clear")
    }

    @Test func faultToleranceFlappingCountsDecreasesWithinTheHour() async throws {
        let pack = try Pack()
        let one = try await Self.document()
        let zero = try await Self.document(["cluster.fault_tolerance.max_zone_failures_without_losing_availability=0"])
        #expect(try pack.verdict("fault_tolerance_flapping", Array([[HostRecord]](repeating: [one, zero], count: 5).joined())).isFiring)
        #expect(try pack.verdict("fault_tolerance_flapping", Array([[HostRecord]](repeating: [one, zero], count: 4).joined())).name == "pending")
        // Five drops, a quarter hour apart: the first is an hour before the last, outside the window.
        let spread = (0...75).map { $0 > 0 && $0 % 15 == 0 ? zero : one }
        #expect(try pack.verdict("fault_tolerance_flapping", spread).name == "pending")
    }

    @Test func processesBelowSeventyPercentOfTheExpected() async throws {
        let eight = try await Self.document()
        let five = try await Self.document(Self.processes.map { "cluster.processes.\($0).excluded=true" })
        #expect(try Pack().verdict("processes_below_expected", [five]).isFiring)    // 5 < 5.6
        #expect(try Pack().verdict("processes_below_expected", [eight]).name == "clear")
        // 8 of 10 at a share of 0.8 is not below it; at 0.81 it is.
        #expect(try Pack([("expected_processes", "10"), ("min_process_share", "0.8")]).verdict("processes_below_expected", [eight]).name == "clear")
        #expect(try Pack([("expected_processes", "10"), ("min_process_share", "0.81")]).verdict("processes_below_expected", [eight]).isFiring)
    }

    @Test func processesFlappingCountsFiveDropsInSixtyMinutes() async throws {
        let pack = try Pack()
        let eight = try await Self.document()
        let seven = try await Self.document(["cluster.processes.\(Self.processes[0]).excluded=true"])
        #expect(try pack.verdict("processes_flapping", Array([[HostRecord]](repeating: [eight, seven], count: 5).joined())).isFiring)
        #expect(try pack.verdict("processes_flapping", Array([[HostRecord]](repeating: [eight, seven], count: 4).joined())).name == "pending")
        #expect(try pack.verdict("processes_flapping", Self.repeated(eight, 30)).name == "clear")
    }

    @Test func storageQueueAboveFiveHundredMegabytesInThirtyOfSixtyMinutes() async throws {
        let pack = try Pack()
        let high = try await Self.document(["cluster.qos.worst_queue_bytes_storage_server=600000000"])
        let at = try await Self.document(["cluster.qos.worst_queue_bytes_storage_server=500000000"])
        let low = try await Self.document()
        #expect(try pack.verdict("storage_queue_high", Self.repeated(high, 30) + Self.repeated(low, 30)).isFiring)
        #expect(try pack.verdict("storage_queue_high", Self.repeated(high, 29) + Self.repeated(low, 31)).name == "clear")
        #expect(try pack.verdict("storage_queue_high", Self.repeated(low, 31) + Self.repeated(high, 29)).name == "pending")
        #expect(try pack.verdict("storage_queue_high", Self.repeated(at, 60)).name == "clear")
    }

    @Test func limitingQueueAboveFiveHundredMegabytesForTenMinutes() async throws {
        let pack = try Pack()
        let high = try await Self.document(["cluster.qos.limiting_queue_bytes_storage_server=600000000"])
        let at = try await Self.document(["cluster.qos.limiting_queue_bytes_storage_server=500000000"])
        #expect(try pack.verdict("limiting_queue_high", Self.repeated(high, 11)).isFiring)
        #expect(try pack.verdict("limiting_queue_high", Self.repeated(high, 10)).name == "pending")
        #expect(try pack.verdict("limiting_queue_high", Self.repeated(at, 11)).name == "clear")
    }

    @Test func logQueueAboveOnePointSixGigabytesForThreeMinutes() async throws {
        let pack = try Pack()
        let high = try await Self.document(["cluster.qos.worst_queue_bytes_log_server=1700000000"])
        let at = try await Self.document(["cluster.qos.worst_queue_bytes_log_server=1600000000"])
        #expect(try pack.verdict("log_queue_high", Self.repeated(high, 4)).isFiring)
        #expect(try pack.verdict("log_queue_high", Self.repeated(high, 3)).name == "pending")
        #expect(try pack.verdict("log_queue_high", Self.repeated(at, 4)).name == "clear")
    }

    @Test func logInputAboveEightyMegabytesPerSecondInTwentyOfSixtyMinutes() async throws {
        let pack = try Pack()
        let busy = try await Self.document(["\(Self.logInput)=90000000"])
        let at = try await Self.document(["\(Self.logInput)=80000000"])
        let quiet = try await Self.document()
        #expect(try pack.verdict("log_input_high", Self.repeated(busy, 20) + Self.repeated(quiet, 40)).isFiring)
        #expect(try pack.verdict("log_input_high", Self.repeated(busy, 19) + Self.repeated(quiet, 41)).name == "clear")
        #expect(try pack.verdict("log_input_high", Self.repeated(at, 60)).name == "clear")
    }

    @Test func generationChurnCountsSeparateMinutesNotSamples() async throws {
        let pack = try Pack()
        var documents: [HostRecord] = []
        for generation in 2...7 { documents.append(try await Self.document(["cluster.generation=\(generation)"])) }
        // One rise a minute for five minutes.
        #expect(try pack.verdict("generation_churn", documents).isFiring)
        #expect(try pack.verdict("generation_churn", Array(documents.prefix(5))).name == "pending")
        // Samples every 30 s: ten rises, but in only four wall-clock minutes (two per minute)... and steady figures after.
        let twice = [documents[0], documents[1], documents[2], documents[3], documents[4], documents[5], documents[5], documents[5]]
        let halfMinutes = try pack.verdict("generation_churn", twice, every: .seconds(30))
        #expect(!halfMinutes.isFiring, "\(halfMinutes.detail)")
        #expect(try pack.verdict("generation_churn", Self.repeated(documents[0], 10)).name == "clear")
    }

    @Test func latencyElevatedInTwoOfThreeMinutes() async throws {
        let pack = try Pack()
        let slow = try await Self.document(["cluster.latency_probe.commit_seconds=2.5"])
        let at = try await Self.document(["cluster.latency_probe.read_seconds=1.0"])
        let fast = try await Self.document()
        #expect(try pack.verdict("latency_elevated", [slow, fast, slow]).isFiring)
        // The first slow minute has left the three-minute window.
        #expect(try pack.verdict("latency_elevated", [slow, fast, fast, slow]).name == "pending")
        #expect(try pack.verdict("latency_elevated", [at, at, at]).name == "clear")
    }

    @Test func dataLagAboveFourHoursForTwoMinutes() async throws {
        let pack = try Pack()
        let lagging = try await Self.document(["cluster.qos.worst_data_lag_storage_server.seconds=20000"])
        let at = try await Self.document(["cluster.qos.worst_data_lag_storage_server.seconds=14400"])
        #expect(try pack.verdict("data_lag_very_high", Self.repeated(lagging, 3)).isFiring)
        #expect(try pack.verdict("data_lag_very_high", Self.repeated(lagging, 2)).name == "pending")
        #expect(try pack.verdict("data_lag_very_high", Self.repeated(at, 3)).name == "clear")
    }

    @Test func dataLagAboveAThousandSecondsForAnHour() async throws {
        let pack = try Pack()
        let lagging = try await Self.document(["cluster.qos.worst_data_lag_storage_server.seconds=1500"])
        let at = try await Self.document(["cluster.qos.worst_data_lag_storage_server.seconds=1000"])
        #expect(try pack.verdict("data_lag_high", Self.repeated(lagging, 61)).isFiring)
        #expect(try pack.verdict("data_lag_high", Self.repeated(lagging, 60)).name == "pending")
        #expect(try pack.verdict("data_lag_high", Self.repeated(at, 61)).name == "clear")
        // A lag that is not reported cannot be judged: the guide's "any field can be missing".
        let unsaid = try await Self.document(["cluster.qos.worst_data_lag_storage_server=null"])
        #expect(try pack.verdict("data_lag_high", [unsaid]).name == "clear")
    }
}
