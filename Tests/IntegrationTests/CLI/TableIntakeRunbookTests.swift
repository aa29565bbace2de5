import Foundation
import Testing
import WardenCore
import WardenTesting

/// `runbooks/pegasus/table-intake.yaml` end to end on the loopback fleet and the
/// `pegasus_shell` double: a request judged against the cluster's disks, load and
/// latency as the shell prints them, one test per verdict, each checking the
/// printed verdict and the Markdown and JSON report in the artifact folder.
@Suite("Table intake runbook")
struct TableIntakeRunbookTests {
    static let runbook = PackageRoot.url.appendingPathComponent("runbooks/pegasus/table-intake.yaml").path

    /// Four servers of 1,000,000 MB (976.6 GB) each, 60/50/70/65 % free: 3906 GB in all, 2392 GB
    /// free, 1514 GB (38.8 %) used. The busiest reads 1200/s and writes 300/s at P99 3.5 / 8 ms.
    static let cluster = [
        "--nodes", "4", "--placement",
        "--disks", #"127.0.0.1:34801=[{"capacity_mb":1000000,"available_mb":600000}]"#,
        "--disks", #"127.0.0.1:34802=[{"capacity_mb":1000000,"available_mb":500000}]"#,
        "--disks", #"127.0.0.1:34803=[{"capacity_mb":1000000,"available_mb":700000}]"#,
        "--disks", #"127.0.0.1:34804=[{"capacity_mb":1000000,"available_mb":650000}]"#,
        "--qps", #"127.0.0.1:34801={"get_qps":1200,"put_qps":300,"get_p99_ms":3.5,"put_p99_ms":8}"#,
        "--qps", #"127.0.0.1:34802={"get_qps":900,"put_qps":200,"get_p99_ms":2.5,"put_p99_ms":6}"#,
    ]

    /// A request that fits: 300 GB after three years (900 GB replicated), 20000 reads and 5000 writes a second.
    static let request = [
        "table=orders", "requester=payments-team", "peak_read_qps=20000", "peak_write_qps=5000", "daily_reads=900000000",
        "daily_writes=200000000", "value_bytes=2048", "size_gb_6m=100", "size_gb_1y=200", "size_gb_3y=300",
        "p99_read_ms=10", "p99_write_ms=20",
    ]

    struct Outcome {
        let status: Int32
        let stdout: String
        let markdown: String
        let figures: [String: Any]
    }

    static func audit(_ fleet: LoopbackFleet, _ overrides: [String] = [], options: [String] = []) async throws -> Outcome {
        let pegasus = try await PegasusTestCluster.start(on: fleet, options: cluster + options)
        let state = fleet.directory.appendingPathComponent("state").path
        let artifacts = fleet.directory.appendingPathComponent("intake-\(UUID().uuidString.prefix(8))").path
        var given: [String: String] = [:]
        for pair in request + overrides {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            given[parts[0]] = parts[1]
        }
        let parameters = given.sorted { $0.key < $1.key }.flatMap { ["-p", "\($0.key)=\($0.value)"] }
        let run = try await warden(["run", runbook, "-i", pegasus.inventoryPath, "--state", state, "--yes", "--artifacts", artifacts] + parameters)
        let table = given["table"] ?? "orders"
        let markdown = (try? String(contentsOfFile: artifacts + "/table-intake-\(table).md", encoding: .utf8)) ?? ""
        let json = (try? Data(contentsOf: URL(fileURLWithPath: artifacts + "/table-intake-\(table).json"))) ?? Data()
        let figures = (try? JSONSerialization.jsonObject(with: json) as? [String: Any]) ?? [:]
        return Outcome(status: run.status, stdout: run.stdout + run.stderr, markdown: markdown, figures: figures)
    }

    @Test func aRequestThatFitsIsAcceptedWithAPowerOfTwoPartitionCount() async throws {
        try await withFleet(hosts: 1) { fleet in
            let outcome = try await Self.audit(fleet)
            #expect(outcome.status == 0, "\(outcome.stdout)")
            #expect(outcome.stdout.contains("      | **Verdict: accept**\n"), "the report is printed too: \(outcome.stdout)")
            #expect(outcome.figures["verdict"] as? String == "accept", "\(outcome.figures)")
            // 300 GB over 10 GB partitions: 30, so 32.
            #expect(outcome.figures["partition_count"] as? Int == 32, "\(outcome.figures)")
            #expect(outcome.figures["alive_servers"] as? Int == 4)
            #expect(outcome.figures["disk_use_3y_percent"] as? Double == 61.8, "(1514 + 900) / 3906: \(outcome.figures)")
            #expect(outcome.figures["writes_added_per_server"] as? Double == 3750, "5000 writes on 3 replicas over 4 servers")
            #expect(outcome.markdown.contains("# Table intake: orders"), "\(outcome.markdown)")
            #expect(outcome.markdown.contains("**Verdict: accept**"), "\(outcome.markdown)")
            #expect(outcome.markdown.contains("`create orders -p 32 -r 3`"), "\(outcome.markdown)")
            #expect(outcome.markdown.contains("Asked by: payments-team"))
            #expect(outcome.stdout.contains("skipped"), "no create without create=true: \(outcome.stdout)")
        }
    }

    @Test func skewHotKeysAndThreeYearsOfGrowthAcceptWithConditions() async throws {
        try await withFleet(hosts: 1) { fleet in
            let outcome = try await Self.audit(fleet, ["hash_keys=few", "hot_keys=true", "size_gb_3y=600"])
            #expect(outcome.status == 0, "\(outcome.stdout)")
            #expect(outcome.figures["verdict"] as? String == "accept with conditions", "\(outcome.figures)")
            let conditions = outcome.figures["conditions"] as? String ?? ""
            #expect(conditions.contains("after three years the disks would be 84.8% full (limit 75%)"), "\(conditions)")
            #expect(conditions.contains("few hash keys"), "\(conditions)")
            #expect(conditions.contains("hot keys"), "\(conditions)")
            #expect(outcome.figures["partition_count"] as? Int == 64, "600 GB over 10 GB partitions: \(outcome.figures)")
            #expect(outcome.markdown.contains("**Verdict: accept with conditions**"), "\(outcome.markdown)")
        }
    }

    @Test func aLatencyTheClusterDoesNotMeetAndAFullDiskWithinAYearAreRejected() async throws {
        try await withFleet(hosts: 1) { fleet in
            let outcome = try await Self.audit(fleet, ["p99_read_ms=2", "size_gb_1y=900", "size_gb_3y=1200"])
            #expect(outcome.status == 0, "the audit itself succeeds: \(outcome.stdout)")
            #expect(outcome.figures["verdict"] as? String == "reject", "\(outcome.figures)")
            let reasons = outcome.figures["rejected_because"] as? String ?? ""
            #expect(reasons.contains("the slowest server reads at P99 3.5 ms today, above the 2 ms asked"), "\(reasons)")
            #expect(reasons.contains("after a year the disks would be 107.9% full"), "\(reasons)")
            #expect(outcome.markdown.contains("**Verdict: reject**"), "\(outcome.markdown)")
        }
    }

    @Test func aTableThatExistsAndAFormThatDisagreesWithItselfAreRejected() async throws {
        try await withFleet(hosts: 1) { fleet in
            let outcome = try await Self.audit(fleet, ["table=temp", "peak_read_qps=100"])
            #expect(outcome.figures["verdict"] as? String == "reject", "\(outcome.figures) \(outcome.stdout)")
            let reasons = outcome.figures["rejected_because"] as? String ?? ""
            #expect(reasons.contains("a table named temp exists"), "\(reasons)")
            #expect(reasons.contains("the read peak (100/s) is below the daily average (10416.7/s)"), "\(reasons)")
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to approve as a second user (runuser -u nobody)"))
    func anAcceptedRequestIsCreatedAfterApprovalWithTheRecommendedCountsAndIsHealthy() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await PegasusTestCluster.start(on: fleet, options: Self.cluster)
            let state = try sharedState(fleet)
            let artifacts = fleet.directory.appendingPathComponent("intake-created").path
            let parameters = (Self.request + ["create=true"]).flatMap { ["-p", $0] }
            let (background, _, approverSaw) = try await startApproved(
                fleet, [Self.runbook, "-i", pegasus.inventoryPath, "--artifacts", artifacts] + parameters, state: state)
            #expect(approverSaw.contains("create"), "\(approverSaw)")
            let (status, report) = try await background.finishReport()
            #expect(status == 0, "\(report.reason ?? "") \(report.steps.map { "\($0.id): \($0.status) \($0.summary)" })")
            #expect(pegasus.commands.contains("create orders -p 32 -r 3 -f"), "\(pegasus.commands)")
            #expect(report.steps.first { $0.id == "healthy" }?.status == .ok)
            let listed = try await runProcess("/usr/bin/env", ["PEGASUS_FAKE_STATE=\(pegasus.statePath)", PegasusTestCluster.shellDouble, "config.ini", "onebox"],
                                              input: "app orders -d\n")
            #expect(listed.stdout.contains("partition_count    : 32"), "\(listed.stdout)")
            #expect(listed.stdout.contains("unhealthy_partition_count        : 0"), "\(listed.stdout)")
        }
    }

    @Test func aRejectedRequestIsNeverCreatedEvenWhenAsked() async throws {
        try await withFleet(hosts: 1) { fleet in
            let outcome = try await Self.audit(fleet, ["p99_read_ms=2", "create=true"])
            #expect(outcome.status == 0, "\(outcome.stdout)")
            #expect(outcome.figures["verdict"] as? String == "reject")
            #expect(outcome.stdout.contains("create [run, mutating] SKIPPED"), "\(outcome.stdout)")
            #expect(outcome.stdout.contains("go [approve] SKIPPED"), "no approval is asked for: \(outcome.stdout)")
        }
    }

    @Test func aTableNameTheShellWouldRefuseStopsTheAuditNamingIt() async throws {
        try await withFleet(hosts: 1) { fleet in
            let outcome = try await Self.audit(fleet, ["table=orders;drop"])
            #expect(outcome.status == 1, "\(outcome.stdout)")
            #expect(outcome.stdout.contains("table name 'orders;drop' has a character Pegasus refuses"), "\(outcome.stdout)")
        }
    }
}
