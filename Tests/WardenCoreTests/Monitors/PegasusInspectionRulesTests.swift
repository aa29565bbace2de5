import Foundation
import Testing
import WardenTesting
@testable import WardenCore

/// Every rule of `runbooks/pegasus/rules/inspection.yaml` judged over what the pegasus_shell
/// double prints (and, for connections, what the probe's `ss | awk` prints): a sequence that
/// fires it, one that does not, and one at its boundary. One sample per minute.
@Suite("Pegasus inspection rules")
struct PegasusInspectionRulesTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_605)

    struct Pack {
        let context: EngineContext

        init(_ params: [(name: String, text: String)] = []) throws {
            let path = PackageRoot.url.appendingPathComponent("runbooks/pegasus/rules/inspection.yaml").path
            let runbook = try RunbookFixtures.runbook(of: Runbook.load(path: path))
            context = try EngineContext(runbook: runbook, parameters: try ParameterBinding.bind(runbook, given: params),
                                        targets: ["admin": [InventoryHost.local("pegasus-admin", stateFolder: nil)],
                                                  "meta": [InventoryHost.local("meta-1", stateFolder: nil)]])
        }

        /// What `rule`'s probe parser makes of `outputs`, one a minute, judged.
        func verdict(_ name: String, _ outputs: [String]) throws -> MonitorVerdict {
            let rule = try #require(context.runbook.monitorRules.first { $0.name == name }, "no rule \(name)")
            let probe = try #require(context.runbook.probe(for: rule.probe))
            let parser = try #require(probe.parser)
            let host = probe.target == "meta" ? "meta-1" : "pegasus-admin"
            var points: [MonitorPoint] = []
            for (index, output) in outputs.enumerated() {
                let record = HostRecord(stdout: output, stderr: "", exit: 0, result: try parser.parser.parse(output))
                let sample = ProbeTaking.Sample(records: RecordSet(hosts: [(host, record)], status: "ok"), failures: [], runs: [])
                let time = PegasusInspectionRulesTests.start.addingTimeInterval(60 * Double(index))
                points.append(MonitorSampler.point(for: rule, sample: sample, probe: probe, context: context, time: time).0)
            }
            return rule.verdict(over: points, interval: .seconds(60))
        }
    }

    /// What `command` prints (stdout and stderr together, as the probe's `2>&1`) on a cluster made with `options`.
    static func shell(_ command: String, _ options: [String] = []) async throws -> String {
        let shell = try await PegasusShellDoubleTests.Shell.make(options)
        return try await shell.session([command], mergeStreams: true).merged
    }

    @Test func everyInspectionItemIsThereByName() throws {
        #expect(try Pack().context.runbook.monitorRules.map(\.name) == [
            "partitions_unreadable", "tables_unhealthy", "nodes_unalive", "meta_level_not_steady",
            "replicas_skewed", "primaries_skewed", "server_restarted", "connections_over_limit",
        ])
    }

    @Test func unreadablePartitionsFireAtOnce() async throws {
        let pack = try Pack()
        let healthy = try await Self.shell("ls -d")
        // A partition without a primary: read (and write) unhealthy.
        let headless = try await Self.shell("ls -d", ["--set", "tables.1.read_unhealthy=1", "--set", "tables.1.write_unhealthy=1",
                                                      "--set", "tables.1.fully_healthy=7"])
        #expect(try pack.verdict("partitions_unreadable", [headless]).isFiring)
        #expect(try pack.verdict("partitions_unreadable", [healthy]).name == "clear")
        #expect(try pack.verdict("partitions_unreadable", [headless, healthy]).name == "clear")
    }

    @Test func unhealthyTablesFireAfterTenMinutes() async throws {
        let pack = try Pack()
        let unhealthy = try await Self.shell("ls -d", ["--unhealthy-partitions", "2"])
        let healthy = try await Self.shell("ls -d")
        #expect(try pack.verdict("tables_unhealthy", Array(repeating: unhealthy, count: 11)).isFiring)
        #expect(try pack.verdict("tables_unhealthy", Array(repeating: unhealthy, count: 10)).name == "pending")
        #expect(try pack.verdict("tables_unhealthy", Array(repeating: unhealthy, count: 10) + [healthy]).name == "clear")
    }

    @Test func anUnaliveNodeFiresAtOnce() async throws {
        let pack = try Pack()
        let one = try await Self.shell("nodes -d", ["--nodes", "4", "--unalive", "127.0.0.1:34804"])
        let none = try await Self.shell("nodes -d", ["--nodes", "4"])
        #expect(try pack.verdict("nodes_unalive", [one]).isFiring)
        #expect(try pack.verdict("nodes_unalive", [none]).name == "clear")
        #expect(try pack.verdict("nodes_unalive", [one, none]).name == "clear")
    }

    @Test func aMetaLevelLeftLivelyFiresAfterAnHour() async throws {
        let pack = try Pack()
        let lively = try await Self.shell("cluster_info", ["--level", "lively"])
        let steady = try await Self.shell("cluster_info")
        #expect(try pack.verdict("meta_level_not_steady", Array(repeating: lively, count: 61)).isFiring)
        #expect(try pack.verdict("meta_level_not_steady", Array(repeating: lively, count: 60)).name == "pending")
        #expect(try pack.verdict("meta_level_not_steady", Array(repeating: steady, count: 61)).name == "clear")
        // An automatic freeze (too few nodes alive) reads as freezed, the effective level.
        let frozen = try await Self.shell("cluster_info", ["--nodes", "3", "--unalive", "127.0.0.1:34802,127.0.0.1:34803"])
        #expect(try pack.verdict("meta_level_not_steady", Array(repeating: frozen, count: 61)).isFiring)
    }

    static func nodes(_ counts: [(primary: Int, secondary: Int)]) -> [String] {
        let entries = counts.enumerated().map { index, count in
            "{\"address\": \"127.0.0.1:\(34801 + index)\", \"status\": \"ALIVE\", \"primary_count\": \(count.primary), \"secondary_count\": \(count.secondary)}"
        }
        return ["--nodes", "\(counts.count)", "--set", "nodes=[\(entries.joined(separator: ", "))]"]
    }

    @Test func skewedReplicasAndPrimariesFireAfterAnHour() async throws {
        let pack = try Pack()
        // Replicas 8, 8, 14 (mean 10): 1.4 > 1.2. Primaries 2, 2, 8 (mean 4): 2.0 > 1.3.
        let skewed = try await Self.shell("nodes -d", Self.nodes([(2, 6), (2, 6), (8, 6)]))
        // Replicas 9, 9, 12 (mean 10): 1.2, at the limit. Primaries 4, 4, 4.
        let atLimit = try await Self.shell("nodes -d", Self.nodes([(4, 5), (4, 5), (4, 8)]))
        #expect(try pack.verdict("replicas_skewed", Array(repeating: skewed, count: 61)).isFiring)
        #expect(try pack.verdict("primaries_skewed", Array(repeating: skewed, count: 61)).isFiring)
        #expect(try pack.verdict("replicas_skewed", Array(repeating: skewed, count: 60)).name == "pending")
        #expect(try pack.verdict("replicas_skewed", Array(repeating: atLimit, count: 61)).name == "clear")
        #expect(try pack.verdict("primaries_skewed", Array(repeating: atLimit, count: 61)).name == "clear")
    }

    @Test func aServerStartedAfterTheGivenTimeFires() async throws {
        let output = try await Self.shell("server_info", ["--set", "servers={\"127.0.0.1:34801\": {\"start_time\": \"2026-03-02 10:00:00\"}}"])
        #expect(try Pack([("started_before", "2026-03-01 00:00:00")]).verdict("server_restarted", [output]).isFiring)
        #expect(try Pack([("started_before", "2026-03-02 10:00:00")]).verdict("server_restarted", [output]).name == "clear")
        #expect(try Pack().verdict("server_restarted", [output]).name == "clear")
    }

    @Test func moreThanAHundredConnectionsFromOneAddressFires() throws {
        let pack = try Pack()
        #expect(try pack.verdict("connections_over_limit", ["101 10.0.0.7\n12 10.0.0.8\n"]).isFiring)
        #expect(try pack.verdict("connections_over_limit", ["100 10.0.0.7\n12 10.0.0.8\n"]).name == "clear")
        #expect(try pack.verdict("connections_over_limit", [""]).name == "clear")
    }
}
