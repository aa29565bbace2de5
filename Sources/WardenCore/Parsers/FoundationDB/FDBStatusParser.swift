/// `parse: fdb.status`: the output of `fdbcli --exec 'status json'`, read
/// from its first `{` (fdbcli may print warnings before it), with the
/// metrics of FoundationDB's monitoring guide under stable names. The
/// guide's paths are corrected as the research found (fdb.md §0):
/// `client.database_status`, `client.coordinators`,
/// `max_zone_failures_*`, `processes` and `machines` as maps.
///
/// Every field is null when the document lacks it (older versions, partial
/// status), never an error. fdbcli exits 0 even when it could not reach the
/// cluster, so decide health from these fields, never the exit status.
///
/// Result (also `raw`: the whole document, for anything not listed):
/// - `available`, `healthy` (`client.database_status`; treat null as
///   false), `database_available`, `full_replication`, `degraded_processes`,
///   `generation`, `redundancy_mode`, `replication_factor` (storage copies);
/// - `recovery`: `state` (`fully_recovered` is the healthy one),
///   `description`, `seconds_since_last_recovered` (7.1+), `active_generations`;
/// - `fault_tolerance`: `data`, `availability`
///   (`max_zone_failures_without_losing_*`; the pre-6.2 `max_machine_*` names as fallback);
/// - `processes`, `machines`: `total`, `excluded`, `not_excluded`;
/// - `latency_probe`: `transaction_start_seconds`,
///   `immediate_priority_transaction_start_seconds`,
///   `batch_priority_transaction_start_seconds`, `read_seconds`, `commit_seconds`;
/// - `workload`: per-second rates `transactions_started_hz`,
///   `transactions_committed_hz`, `transactions_conflicted_hz`,
///   `transactions_rejected_hz`, `reads_hz`, `writes_hz`, `keys_read_hz`,
///   `bytes_read_hz`, `bytes_written_hz`, and `conflict_rate` =
///   conflicted / (conflicted + committed) per the guide;
/// - `qos`: `worst_queue_bytes_storage_server`,
///   `limiting_queue_bytes_storage_server`, `worst_queue_bytes_log_server`,
///   `worst_data_lag_seconds`, `limiting_data_lag_seconds`,
///   `worst_durability_lag_seconds`, `limiting_durability_lag_seconds`,
///   `transactions_per_second_limit`, `batch_transactions_per_second_limit`,
///   `released_transactions_per_second`,
///   `batch_released_transactions_per_second`, `performance_limited_by`,
///   `batch_performance_limited_by` (the limiter's name);
/// - `storage`: over storage roles, `count`, `max_data_lag_seconds`,
///   `worst_replica_lag_seconds` (see `FDBWorstReplicaLag`),
///   `max_durability_lag_seconds`, `max_query_queue`, `max_input_bytes_hz`,
///   and `second_team` (see `FDBSecondTeam`): `mutations_hz`,
///   `mutation_bytes_hz`, `finished_queries_hz`, `bytes_queried_hz`;
/// - `logs`: over log roles, `count`, `max_input_bytes_hz`;
/// - `data`: `state` (`healthy`, `healing`, `missing_data`, ...), `healthy`,
///   `description`, `min_replicas_remaining`, `logical_size_bytes`
///   (`total_kv_size_bytes`), `physical_size_bytes` (`total_disk_used_bytes`),
///   `overhead` (physical / logical; null while logical is 0), `partitions_count`,
///   `least_operating_space_bytes_storage_server`, `least_operating_space_bytes_log_server`;
/// - `moving_data`: `in_flight_bytes`, `in_queue_bytes`, `total_written_bytes`, `highest_priority`;
/// - `coordinators`: `configured` (`configuration.coordinators_count`, else
///   as listed), `reachable`, `unreachable` (count), `unreachable_addresses`,
///   `quorum_reachable`; an unreachable coordinator does not make `healthy`
///   false, so guards check these;
/// - `clients`: `count`, `incompatible_connections` (count), `incompatible_addresses`;
/// - `process_disks`: per process, see `FDBProcessDisk`; `disk_space`: the
///   lowest `free_ratio`, `kvstore_available_ratio`,
///   `queue_disk_available_ratio` and `free_bytes` over processes;
/// - `backup`, `dr` (`dr_backup`), `dr_destination` (`dr_backup_dest`): see
///   `FDBLayerStatus`; `layers`: `valid`, `error`;
/// - `maintenance`: `on` (`maintenance_seconds_remaining` present), `zone`, `seconds_remaining`;
/// - `messages`, `client_messages`: the message names; `status_incomplete`:
///   true when any says status is partial (treat the rest as unknown).
struct FDBStatusParser: OutputParsing {
    let name = "fdb.status"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        guard let document = try JSONObjectText.firstObject(in: output, parser: name) else {
            throw noDocument(output)
        }
        let root = ValueCursor(document)
        guard root["client"].map != nil || root["cluster"].map != nil else {
            throw OutputParseError(.missingField, parser: name, message: "the JSON has neither a \"client\" nor a \"cluster\" section: not `status json` output")
        }
        let client = root["client"]
        let cluster = root["cluster"]
        let configuration = cluster["configuration"]
        let replicationFactor = FDBReplicationFactor.storageReplicas(configuration)
        let layersValid = cluster["layers"]["_valid"].bool
        let messages = names(cluster["messages"])
        let clientMessages = names(client["messages"])
        return .map([
            "available": client["database_status"]["available"].orNull,
            "healthy": client["database_status"]["healthy"].orNull,
            "database_available": cluster["database_available"].orNull,
            "full_replication": cluster["full_replication"].orNull,
            "degraded_processes": cluster["degraded_processes"].orNull,
            "generation": cluster["generation"].orNull,
            "redundancy_mode": ParsedValue.string(FDBReplicationFactor.mode(configuration)),
            "replication_factor": ParsedValue.int(replicationFactor),
            "recovery": recovery(cluster["recovery_state"]),
            "fault_tolerance": faultTolerance(cluster["fault_tolerance"]),
            "processes": counts(cluster["processes"]),
            "machines": counts(cluster["machines"]),
            "latency_probe": fields(cluster["latency_probe"], [
                "transaction_start_seconds", "immediate_priority_transaction_start_seconds",
                "batch_priority_transaction_start_seconds", "read_seconds", "commit_seconds",
            ]),
            "workload": workload(cluster["workload"]),
            "qos": qos(cluster["qos"]),
            "storage": storage(cluster, replicationFactor: replicationFactor),
            "logs": logs(cluster["processes"]),
            "data": data(cluster["data"]),
            "moving_data": fields(cluster["data"]["moving_data"], ["in_flight_bytes", "in_queue_bytes", "total_written_bytes", "highest_priority"]),
            "coordinators": coordinators(client["coordinators"], configuration: configuration),
            "clients": clients(cluster),
            "process_disks": .list(processDisks(cluster["processes"]).map(Value.map)),
            "disk_space": diskSpace(processDisks(cluster["processes"])),
            "backup": FDBLayerStatus.value(cluster["layers"]["backup"], layersValid: layersValid, lagKey: "last_restorable_seconds_behind"),
            "dr": FDBLayerStatus.value(cluster["layers"]["dr_backup"], layersValid: layersValid, lagKey: "seconds_behind"),
            "dr_destination": FDBLayerStatus.value(cluster["layers"]["dr_backup_dest"], layersValid: layersValid, lagKey: "seconds_behind"),
            "layers": .map(["valid": cluster["layers"]["_valid"].orNull, "error": cluster["layers"]["_error"].orNull]),
            "maintenance": .map([
                "on": .bool(cluster["maintenance_seconds_remaining"].value != nil),
                "zone": cluster["maintenance_zone"].orNull,
                "seconds_remaining": cluster["maintenance_seconds_remaining"].orNull,
            ]),
            "messages": ParsedValue.strings(messages),
            "client_messages": ParsedValue.strings(clientMessages),
            "status_incomplete": .bool(((messages ?? []) + (clientMessages ?? [])).contains { $0.hasPrefix("status_incomplete") }),
            "raw": document,
        ])
    }

    /// fdbcli printed no document: quote what it said instead.
    private func noDocument(_ output: String) -> OutputParseError {
        let lines = output.split(whereSeparator: \.isNewline).map { Substring($0).trimmingWhitespace }
        let said = ["ERROR:", "Specified timeout reached", "WARNING:"]
        if let index = lines.firstIndex(where: { line in said.contains(where: line.hasPrefix) }) {
            return OutputParseError(.commandFailed, parser: name, message: "fdbcli printed no status document but said: \"\(lines[index])\"")
        }
        return OutputParseError(lines.isEmpty ? .empty : .unrecognized, parser: name, message: lines.isEmpty
            ? "the output is empty; expected the JSON of `status json`"
            : "no JSON object in the output; expected the JSON of `status json`")
    }

    private func fields(_ object: ValueCursor, _ keys: [String]) -> Value {
        .map(Dictionary(uniqueKeysWithValues: keys.map { ($0, object[$0].orNull) }))
    }

    private func names(_ messages: ValueCursor) -> [String]? {
        messages.list.map { $0.compactMap { ValueCursor($0)["name"].string } }
    }

    private func recovery(_ state: ValueCursor) -> Value {
        .map([
            "state": state["name"].orNull,
            "description": state["description"].orNull,
            "seconds_since_last_recovered": state["seconds_since_last_recovered"].orNull,
            "active_generations": state["active_generations"].orNull,
        ])
    }

    private func faultTolerance(_ tolerance: ValueCursor) -> Value {
        func either(_ zone: String, _ machine: String) -> Value {
            tolerance[zone].value ?? tolerance[machine].orNull
        }
        return .map([
            "data": either("max_zone_failures_without_losing_data", "max_machine_failures_without_losing_data"),
            "availability": either("max_zone_failures_without_losing_availability", "max_machine_failures_without_losing_availability"),
        ])
    }

    /// `cluster.processes` or `cluster.machines`: entries by `excluded`.
    private func counts(_ entries: ValueCursor) -> Value {
        guard let map = entries.map else { return .map(["total": .null, "excluded": .null, "not_excluded": .null]) }
        let excluded = map.values.filter { ValueCursor($0)["excluded"].bool == true }.count
        return .map(["total": .int(map.count), "excluded": .int(excluded), "not_excluded": .int(map.count - excluded)])
    }

    private func workload(_ workload: ValueCursor) -> Value {
        let committed = workload["transactions"]["committed"]["hz"]
        let conflicted = workload["transactions"]["conflicted"]["hz"]
        var conflictRate: Double?
        if let committed = committed.number, let conflicted = conflicted.number, committed + conflicted > 0 {
            conflictRate = conflicted / (committed + conflicted)
        } else if committed.number != nil, conflicted.number != nil {
            conflictRate = 0
        }
        return .map([
            "transactions_started_hz": workload["transactions"]["started"]["hz"].orNull,
            "transactions_committed_hz": committed.orNull,
            "transactions_conflicted_hz": conflicted.orNull,
            "transactions_rejected_hz": workload["transactions"]["rejected_for_queued_too_long"]["hz"].orNull,
            "conflict_rate": ParsedValue.double(conflictRate),
            "reads_hz": workload["operations"]["reads"]["hz"].orNull,
            "writes_hz": workload["operations"]["writes"]["hz"].orNull,
            "keys_read_hz": workload["keys"]["read"]["hz"].orNull,
            "bytes_read_hz": workload["bytes"]["read"]["hz"].orNull,
            "bytes_written_hz": workload["bytes"]["written"]["hz"].orNull,
        ])
    }

    private func qos(_ qos: ValueCursor) -> Value {
        var result: [String: Value] = [:]
        for key in [
            "worst_queue_bytes_storage_server", "limiting_queue_bytes_storage_server", "worst_queue_bytes_log_server",
            "transactions_per_second_limit", "batch_transactions_per_second_limit",
            "released_transactions_per_second", "batch_released_transactions_per_second",
        ] {
            result[key] = qos[key].orNull
        }
        for lag in ["worst_data_lag", "limiting_data_lag", "worst_durability_lag", "limiting_durability_lag"] {
            result["\(lag)_seconds"] = qos["\(lag)_storage_server"]["seconds"].orNull
        }
        result["performance_limited_by"] = qos["performance_limited_by"]["name"].orNull
        result["batch_performance_limited_by"] = qos["batch_performance_limited_by"]["name"].orNull
        return .map(result)
    }

    private func storage(_ cluster: ValueCursor, replicationFactor: Int?) -> Value {
        let roles = FDBProcessRole.all(named: "storage", in: cluster["processes"])
        let replicasRemaining = cluster["data"]["state"]["min_replicas_remaining"].integer ?? replicationFactor ?? 1
        func highest(_ path: String, _ field: String) -> Value {
            ParsedValue.double(roles.compactMap { $0.role[path][field].number }.max())
        }
        func secondTeam(_ metric: String) -> Value {
            ParsedValue.double(FDBSecondTeam.rate(roles, metric: metric, replicationFactor: replicationFactor))
        }
        return .map([
            "count": .int(roles.count),
            "max_data_lag_seconds": highest("data_lag", "seconds"),
            "worst_replica_lag_seconds": ParsedValue.double(FDBWorstReplicaLag.seconds(roles, replicasRemaining: replicasRemaining)),
            "max_durability_lag_seconds": highest("durability_lag", "seconds"),
            "max_query_queue": ParsedValue.double(roles.compactMap { $0.role["query_queue_max"].number }.max()),
            "max_input_bytes_hz": highest("input_bytes", "hz"),
            "second_team": .map([
                "mutations_hz": secondTeam("mutations"),
                "mutation_bytes_hz": secondTeam("mutation_bytes"),
                "finished_queries_hz": secondTeam("finished_queries"),
                "bytes_queried_hz": secondTeam("bytes_queried"),
            ]),
        ])
    }

    private func logs(_ processes: ValueCursor) -> Value {
        let roles = FDBProcessRole.all(named: "log", in: processes)
        return .map([
            "count": .int(roles.count),
            "max_input_bytes_hz": ParsedValue.double(roles.compactMap { $0.role["input_bytes"]["hz"].number }.max()),
        ])
    }

    private func data(_ data: ValueCursor) -> Value {
        let logical = data["total_kv_size_bytes"]
        let physical = data["total_disk_used_bytes"]
        var overhead: Double?
        if let logical = logical.number, let physical = physical.number, logical > 0 { overhead = physical / logical }
        return .map([
            "state": data["state"]["name"].orNull,
            "healthy": data["state"]["healthy"].orNull,
            "description": data["state"]["description"].orNull,
            "min_replicas_remaining": data["state"]["min_replicas_remaining"].orNull,
            "logical_size_bytes": logical.orNull,
            "physical_size_bytes": physical.orNull,
            "overhead": ParsedValue.double(overhead),
            "partitions_count": data["partitions_count"].orNull,
            "least_operating_space_bytes_storage_server": data["least_operating_space_bytes_storage_server"].orNull,
            "least_operating_space_bytes_log_server": data["least_operating_space_bytes_log_server"].orNull,
        ])
    }

    private func coordinators(_ coordinators: ValueCursor, configuration: ValueCursor) -> Value {
        let listed = (coordinators["coordinators"].list ?? []).map(ValueCursor.init)
        let unreachable = listed.filter { $0["reachable"].bool != true }
        return .map([
            "configured": configuration["coordinators_count"].value ?? (coordinators["coordinators"].list != nil ? .int(listed.count) : .null),
            "reachable": coordinators["coordinators"].list != nil ? .int(listed.count - unreachable.count) : .null,
            "unreachable": coordinators["coordinators"].list != nil ? .int(unreachable.count) : .null,
            "unreachable_addresses": .list(unreachable.map { $0["address"].orNull }),
            "quorum_reachable": coordinators["quorum_reachable"].orNull,
        ])
    }

    private func clients(_ cluster: ValueCursor) -> Value {
        let incompatible = cluster["incompatible_connections"].list
        return .map([
            "count": cluster["clients"]["count"].orNull,
            "incompatible_connections": ParsedValue.int(incompatible?.count),
            "incompatible_addresses": incompatible.map(Value.list) ?? .null,
        ])
    }

    private func processDisks(_ processes: ValueCursor) -> [[String: Value]] {
        guard let entries = processes.map else { return [] }
        return entries.keys.sorted().map { FDBProcessDisk.value(id: $0, process: ValueCursor(entries[$0])) }
    }

    private func diskSpace(_ disks: [[String: Value]]) -> Value {
        func lowest(_ key: String) -> Value {
            let numbers = disks.compactMap { ValueCursor($0[key]).number }
            guard let low = numbers.min() else { return .null }
            return key == "free_bytes" ? (Int(exactly: low).map(Value.int) ?? .double(low)) : .double(low)
        }
        return .map([
            "min_free_ratio": lowest("free_ratio"),
            "min_kvstore_available_ratio": lowest("kvstore_available_ratio"),
            "min_queue_disk_available_ratio": lowest("queue_disk_available_ratio"),
            "min_free_bytes": lowest("free_bytes"),
        ])
    }
}
