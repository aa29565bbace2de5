import Foundation
import Testing
@testable import WardenCore

@Suite("fdb.status")
struct FDBStatusParserTests {
    private let parser = "fdb.status"

    private func status(_ file: String) throws -> Value {
        try ParserFixture.parse(parser, ParserFixture.text("fdb/\(file)"))
    }

    @Test func healthyDoubleCluster() throws {
        let status = try status("healthy-7.1-double-8proc.json")
        #expect(status.at("available") == .bool(true))
        #expect(status.at("healthy") == .bool(true))
        #expect(status.at("database_available") == .bool(true))
        #expect(status.at("redundancy_mode") == .string("double"))
        #expect(status.at("replication_factor") == .int(2))
        #expect(status.at("generation") == .int(2))
        #expect(status.at("recovery") == .map([
            "state": .string("fully_recovered"), "description": .string("Recovery complete."),
            "seconds_since_last_recovered": .double(76.8155), "active_generations": .int(1),
        ]))
        #expect(status.at("fault_tolerance") == ParserFixture.ints(["data": 1, "availability": 1]))
        #expect(status.at("processes") == ParserFixture.ints(["total": 8, "excluded": 0, "not_excluded": 8]))
        #expect(status.at("machines") == ParserFixture.ints(["total": 8, "excluded": 0, "not_excluded": 8]))
        #expect(status.at("latency_probe", "transaction_start_seconds") == .double(0.00389361))
        #expect(status.at("latency_probe", "read_seconds") == .double(0.000394344))
        #expect(status.at("latency_probe", "commit_seconds") == .double(0.00458646))
        #expect(status.at("latency_probe", "batch_priority_transaction_start_seconds") == .double(0.00241208))
        #expect(status.at("workload", "transactions_started_hz") == .double(5.99993))
        #expect(status.at("workload", "reads_hz") == .double(8.59959))
        #expect(status.at("workload", "bytes_read_hz") == .double(5819.11))
        // conflicted 0 / (0 + committed 0.399989)
        #expect(status.at("workload", "transactions_conflicted_hz") == .int(0))
        #expect(status.at("workload", "conflict_rate") == .double(0))
        #expect(status.at("qos", "worst_queue_bytes_storage_server") == .int(1996))
        #expect(status.at("qos", "limiting_queue_bytes_storage_server") == .int(1996))
        #expect(status.at("qos", "worst_queue_bytes_log_server") == .int(12144))
        #expect(status.at("qos", "worst_data_lag_seconds") == .int(0))
        #expect(status.at("qos", "worst_durability_lag_seconds") == .double(5.01502))
        #expect(status.at("qos", "limiting_durability_lag_seconds") == .double(5.01453))
        #expect(status.at("qos", "performance_limited_by") == .string("workload"))
        #expect(status.at("qos", "transactions_per_second_limit") == .int(159461000))
        #expect(status.at("data", "state") == .string("healthy"))
        #expect(status.at("data", "min_replicas_remaining") == .int(2))
        #expect(status.at("data", "physical_size_bytes") == .int(629203472))
        // The logical size is 0 in this capture, so there is no overhead factor.
        #expect(status.at("data", "logical_size_bytes") == .int(0))
        #expect(status.at("data", "overhead") == .null)
        #expect(status.at("moving_data") == ParserFixture.ints(["in_flight_bytes": 0, "in_queue_bytes": 0, "total_written_bytes": 0, "highest_priority": 0]))
        #expect(status.at("coordinators") == .map([
            "configured": .int(3), "reachable": .int(3), "unreachable": .int(0), "unreachable_addresses": .list([]), "quorum_reachable": .bool(true),
        ]))
        #expect(status.at("clients") == .map(["count": .int(8), "incompatible_connections": .int(0), "incompatible_addresses": .list([])]))
        #expect(status.at("layers") == .map(["valid": .bool(true), "error": .null]))
        #expect(status.at("maintenance") == .map(["on": .bool(false), "zone": .null, "seconds_remaining": .null]))
        #expect(status.at("messages") == .list([]))
        #expect(status.at("status_incomplete") == .bool(false))
    }

    @Test func healthyClusterStorageLagsAndTeams() throws {
        let storage = try status("healthy-7.1-double-8proc.json").at("storage")
        #expect(storage.at("count") == .int(3))
        // Storage data lags: 2.1227 (zone storage-3), 0.196258 (storage-1), 0.196258 (storage-2).
        #expect(storage.at("max_data_lag_seconds") == .double(2.1227))
        // min_replicas_remaining 2: set aside the first (most lagging) zone, the next lag is the answer.
        #expect(storage.at("worst_replica_lag_seconds") == .double(0.19625800000000002))
        #expect(storage.at("max_durability_lag_seconds") == .double(5.19626))
        #expect(storage.at("max_input_bytes_hz") == .double(399.187))
        // Mutation rates 0.399986, 0.399975, 0; replication factor 2: the third is the 2nd team's.
        #expect(storage.at("second_team", "mutations_hz") == .double(0))
        #expect(storage.at("second_team", "bytes_queried_hz") == .double(0))
        let logs = try status("healthy-7.1-double-8proc.json").at("logs")
        #expect(logs == .map(["count": .int(3), "max_input_bytes_hz": .double(51.1987)]))
    }

    @Test func healthyClusterDiskSpacePerProcess() throws {
        let status = try status("healthy-7.1-double-8proc.json")
        #expect(status.at("process_disks").itemCount == 8)
        guard case let .list(disks) = status.at("process_disks"),
              let log = disks.first(where: { $0.at("address") == .string("10.1.19.2:4501") }) else {
            Issue.record("no disk entry for 10.1.19.2:4501")
            return
        }
        #expect(log.at("process_id") == .string("105bf6c041f8ec315d03e889c2746ecf"))
        #expect(log.at("roles") == ParserFixture.strings(["log"]))
        #expect(log.at("free_bytes") == .int(84178165760))
        #expect(log.at("total_bytes") == .int(135012552704))
        #expect(log.at("free_ratio") == .double(84178165760.0 / 135012552704.0))
        #expect(log.at("kvstore_available_ratio") == .double(84178214912.0 / 135012552704.0))
        #expect(log.at("queue_disk_available_ratio") == .double(84178214912.0 / 135012552704.0))
        // The storage processes have slightly less free space than the others.
        #expect(status.at("disk_space", "min_free_bytes") == .int(84178145280))
        #expect(status.at("disk_space", "min_free_ratio") == .double(84178145280.0 / 135012552704.0))
        #expect(status.at("disk_space", "min_kvstore_available_ratio") == .double(84178112512.0 / 135012552704.0))
    }

    @Test func backupLayerAbsentWhileLayersAreValidMeansNoAgents() throws {
        let status = try status("healthy-7.1-double-8proc.json")
        #expect(status.at("backup", "instances_running") == .int(0))
        #expect(status.at("backup", "running") == .null)
        #expect(status.at("dr", "instances_running") == .int(0))
        #expect(status.at("dr_destination", "instances_running") == .int(0))
    }

    @Test func rawKeepsTheWholeDocument() throws {
        let text = try ParserFixture.text("fdb/healthy-7.1-double-8proc.json")
        let raw = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        #expect(try status("healthy-7.1-double-8proc.json").at("raw") == raw)
    }

    @Test func singleProcessDevClusterOf63() throws {
        let status = try status("single-process-dev-6.3.json")
        #expect(status.at("healthy") == .bool(true))
        #expect(status.at("redundancy_mode") == .string("single"))
        #expect(status.at("replication_factor") == .int(1))
        #expect(status.at("fault_tolerance") == ParserFixture.ints(["data": 0, "availability": 0]))
        #expect(status.at("processes", "total") == .int(1))
        // 6.3 has no seconds_since_last_recovered.
        #expect(status.at("recovery", "seconds_since_last_recovered") == .null)
        #expect(status.at("recovery", "state") == .string("fully_recovered"))
        #expect(status.at("storage", "count") == .int(1))
        // min_replicas_remaining 1: nothing set aside, so the worst replica lag is the only lag.
        #expect(status.at("storage", "worst_replica_lag_seconds") == .double(3.85222))
        // One storage server and replication factor 1: no second team.
        #expect(status.at("storage", "second_team", "mutations_hz") == .null)
        #expect(status.at("latency_probe", "read_seconds") == .double(5.126000000000001e-05))
        #expect(status.at("clients", "count") == .int(0))
        // The process is both log and storage: the lower kv-store ratio (the log's) counts.
        #expect(status.at("process_disks", 0, "kvstore_available_ratio") == .double(95584460800.0 / 499963174912.0))
        #expect(status.at("process_disks", 0, "queue_disk_available_ratio") == .double(95584460800.0 / 499963174912.0))
        #expect(status.at("process_disks", 0, "free_ratio") == .double(95584448512.0 / 499963174912.0))
        #expect(status.at("workload", "conflict_rate") == .double(0))
    }

    @Test func missingDataLegacyDocument() throws {
        let status = try status("unhealthy-missing-data-legacy.json")
        #expect(status.at("available") == .bool(true))
        #expect(status.at("healthy") == .bool(false))
        #expect(status.at("data", "state") == .string("missing_data"))
        #expect(status.at("data", "healthy") == .bool(false))
        #expect(status.at("data", "min_replicas_remaining") == .int(0))
        #expect(status.at("data", "description") == .string("No replicas remain of some data"))
        #expect(status.at("moving_data", "in_flight_bytes") == .int(66525120))
        #expect(status.at("moving_data", "in_queue_bytes") == .int(131202320))
        #expect(status.at("moving_data", "total_written_bytes") == .null)
        #expect(status.at("data", "overhead") == .double(2469109760.0 / 258839413.0))
        // 3.x names the mode under redundancy.factor.
        #expect(status.at("redundancy_mode") == .string("triple"))
        #expect(status.at("replication_factor") == .int(3))
        #expect(status.at("generation") == .null)
        #expect(status.at("layers", "valid") == .null)
        #expect(status.at("backup", "instances_running") == .null)
        #expect(status.at("processes", "total") == .int(3))
        // Storage roles of that era report no lag.
        #expect(status.at("storage", "count") == .int(3))
        #expect(status.at("storage", "worst_replica_lag_seconds") == .null)
        #expect(status.at("workload", "reads_hz") == .double(9599.54))
        #expect(status.at("workload", "keys_read_hz") == .null)
        #expect(status.at("clients", "count") == .null)
        #expect(status.at("coordinators", "configured") == .int(1))
    }

    @Test func recoveryStuckRecruiting() throws {
        let status = try status("recovering-recruiting-transaction-servers-legacy.json")
        #expect(status.at("available") == .bool(false))
        #expect(status.at("healthy") == .bool(false))
        #expect(status.at("recovery", "state") == .string("recruiting_transaction_servers"))
        #expect(status.at("messages") == ParserFixture.strings(["unreadable_configuration", "transaction_start_timeout", "commit_timeout"]))
        #expect(status.at("fault_tolerance") == .map(["data": .null, "availability": .null]))
        #expect(status.at("latency_probe", "commit_seconds") == .null)
        #expect(status.at("qos", "worst_queue_bytes_storage_server") == .int(6862))
        #expect(status.at("redundancy_mode") == .null)
    }

    @Test func oneCoordinatorDownIsNotUnhealthyButIsCounted() throws {
        let status = try status("coordinator-unreachable-2of3-legacy.json")
        #expect(status.at("healthy") == .bool(true))
        #expect(status.at("coordinators") == .map([
            "configured": .int(3), "reachable": .int(2), "unreachable": .int(1),
            "unreachable_addresses": ParserFixture.strings(["127.0.0.1:4704"]), "quorum_reachable": .bool(true),
        ]))
        #expect(status.at("fault_tolerance") == ParserFixture.ints(["data": 0, "availability": 0]))
        #expect(status.at("processes", "total") == .int(2))
    }

    @Test func textAroundTheDocumentIsSkipped() throws {
        let text = try ParserFixture.text("fdb/single-process-dev-6.3.json")
        let wrapped = "\nWARNING: Long delay (Ctrl-C to interrupt)\n" + text + "\nSpecified timeout reached -- exiting...\n"
        #expect(try ParserFixture.parse(parser, wrapped) == ParserFixture.parse(parser, text))
    }

    @Test func backupDRAndMaintenanceWhenPresent() throws {
        // No capture has these (fdb.md §7); add them to the healthy capture
        // in the shapes fdb.md §2.6 and §2.9 give, including the operator's
        // synthetic backup block and a `timestamp` beside the tags.
        let text = try ParserFixture.text("fdb/healthy-7.1-double-8proc.json")
        var document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var cluster = try #require(document["cluster"] as? [String: Any])
        cluster["layers"] = [
            "_valid": true,
            "backup": [
                "instances_running": 2, "paused": false,
                "tags": [
                    "timestamp": 1646933244.5,
                    "default": [
                        "current_container": "blobstore://backup", "running_backup": true, "running_backup_is_restorable": true,
                        "last_restorable_seconds_behind": 3.5, "last_restorable_version": 12345678,
                        "range_bytes_written": 1000, "mutation_log_bytes_written": 2000,
                    ] as [String: Any],
                ] as [String: Any],
            ] as [String: Any],
            "dr_backup": ["instances_running": 1, "tags": ["default": ["running_backup": true, "running_backup_is_restorable": false]]],
        ] as [String: Any]
        cluster["maintenance_zone"] = "test-cluster-storage-1"
        cluster["maintenance_seconds_remaining"] = 598.5
        document["cluster"] = cluster
        let edited = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        let status = try ParserFixture.parse(parser, edited)
        #expect(status.at("backup") == .map([
            "instances_running": .int(2), "paused": .bool(false), "tags": ParserFixture.strings(["default"]),
            "running": .bool(true), "restorable": .bool(true), "seconds_behind": .double(3.5),
            "range_bytes_written": .int(1000), "mutation_log_bytes_written": .int(2000),
        ]))
        #expect(status.at("dr", "instances_running") == .int(1))
        #expect(status.at("dr", "running") == .bool(true))
        #expect(status.at("dr", "restorable") == .bool(false))
        #expect(status.at("dr", "seconds_behind") == .null)
        #expect(status.at("dr_destination", "instances_running") == .int(0))
        #expect(status.at("maintenance") == .map(["on": .bool(true), "zone": .string("test-cluster-storage-1"), "seconds_remaining": .double(598.5)]))
    }

    @Test func theClusterUnknownDocumentIsAllNulls() throws {
        // fdb.md §2.1: what status says when no coordinator quorum answers.
        let status = try ParserFixture.parse(parser, #"{"client": {"database_status": {"available": false, "healthy": false}, "messages": [{"name": "status_incomplete_coordinators"}]}, "cluster": {"layers": {"_valid": false}}}"#)
        #expect(status.at("available") == .bool(false))
        #expect(status.at("layers", "valid") == .bool(false))
        #expect(status.at("backup", "instances_running") == .null)
        #expect(status.at("processes") == .map(["total": .null, "excluded": .null, "not_excluded": .null]))
        #expect(status.at("storage", "count") == .int(0))
        #expect(status.at("status_incomplete") == .bool(true))
        #expect(status.at("client_messages") == ParserFixture.strings(["status_incomplete_coordinators"]))
        #expect(status.at("messages") == .null)
    }

    @Test func fdbcliErrorsAreQuoted() {
        // fdb.md §1.2: what fdbcli prints instead of a document.
        #expect(ParserFixture.failure(parser, "ERROR: Failed to get status json from the cluster\n")
            == "fdb.status: fdbcli printed no status document but said: \"ERROR: Failed to get status json from the cluster\"")
        #expect(ParserFixture.failure(parser, "Specified timeout reached -- exiting...\n")
            == "fdb.status: fdbcli printed no status document but said: \"Specified timeout reached -- exiting...\"")
    }

    @Test func garbageIsAClearErrorNeverACrash() throws {
        #expect(ParserFixture.failure(parser, "") == "fdb.status: the output is empty; expected the JSON of `status json`")
        #expect(ParserFixture.failure(parser, "status\n") == "fdb.status: no JSON object in the output; expected the JSON of `status json`")
        #expect(ParserFixture.failure(parser, "{\"a\": 1}") == "fdb.status: the JSON has neither a \"client\" nor a \"cluster\" section: not `status json` output")
        #expect(ParserFixture.failure(parser, "x\n{\"client\": }")?.hasPrefix("fdb.status: line 2: not valid JSON from here on") == true)
        #expect(ParserFixture.failure(parser, "{\"client\": {") == "fdb.status: line 1: the JSON document starting here is cut short: its closing '}' is missing")
        #expect(ParserFixture.failureKind(parser, "ERROR: Failed to get status json from the cluster\n") == .commandFailed)
        #expect(ParserFixture.failureKind(parser, "") == .empty)
        #expect(ParserFixture.failureKind(parser, "status\n") == .unrecognized)
        #expect(ParserFixture.failureKind(parser, "{\"a\": 1}") == .missingField)
        #expect(ParserFixture.failureKind(parser, "{\"client\": {") == .malformed)
        // Right shapes, wrong types everywhere: nulls, not a crash.
        let odd = try ParserFixture.parse(parser, #"{"client": [], "cluster": {"processes": [1], "qos": "x", "data": {"state": 3}, "layers": {"backup": 5}}}"#)
        #expect(odd.at("processes", "total") == .null)
        #expect(odd.at("data", "state") == .null)
        #expect(odd.at("backup", "instances_running") == .null)
        try ParserFixture.survivesTruncation(parser, ParserFixture.text("fdb/coordinator-unreachable-2of3-legacy.json"))
    }
}
