import Foundation

/// A test Pegasus cluster for runbook tests: the `pegasus_shell` double
/// (`Tests/Doubles/pegasus_shell`, which prints what the real shell prints)
/// with its state file in a fleet's folder, and an inventory in which one
/// fleet host is the admin host (group `pegasus-admin`) whose
/// `pegasus_shell` var starts the double, as a site's var starts `run.sh shell`.
///
/// ```swift
/// try await withFleet(hosts: 1) { fleet in
///     let cluster = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--pending-moves", "2"])
///     let run = try await warden(["run", "runbooks/pegasus/rebalance.yaml", "-i", cluster.inventoryPath, "-p", "cluster=c1", "--yes"])
///     #expect(cluster.metaLevel == "steady")
/// }
/// ```
public struct PegasusTestCluster: Sendable {
    /// The double's state: meta level, nodes, tables, the balancer (JSON).
    public let statePath: String
    /// The inventory reaching the admin host.
    public let inventoryPath: String
    public let adminHost: LoopbackFleet.Host

    public static var shellDouble: String { PackageRoot.url.appendingPathComponent("Tests/Doubles/pegasus_shell").path }

    /// Makes the cluster's state (`pegasus_shell --init-state` with `options`:
    /// `--version 2.5.0|master --nodes N --unalive ADDR,... --tables N
    /// --unhealthy-partitions K --pending-moves K --balance-step S ...`; see
    /// Tests/Doubles/README.md) and the inventory. Blocks while the double runs.
    public static func start(on fleet: LoopbackFleet, options: [String] = [], admin index: Int = 0,
                             name: String = "pegasus") throws -> PegasusTestCluster {
        let state = fleet.directory.appendingPathComponent("\(name)-state.json").path
        let made = try LoopbackFleet.run(script: #"exec "$0" "$@""#, arguments: [shellDouble, "--init-state", state] + options,
                                         mergeOutput: false)
        guard made.status == 0 else {
            throw LoopbackFleet.Failure(context: "pegasus_shell --init-state", status: made.status, stderr: made.stderr)
        }
        let inventory = try fleet.writeInventory(
            named: "\(name)-inventory.yaml", host: index, groups: ["pegasus-admin"],
            vars: [("pegasus_shell", "[env, \"PEGASUS_FAKE_STATE=\(state)\", \"\(shellDouble)\", config.ini, onebox]")])
        let host = fleet.hosts[index]
        return PegasusTestCluster(statePath: state, inventoryPath: inventory, adminHost: host)
    }

    /// `start(on:options:admin:name:)`, off the cooperative pool (the double runs as a process).
    public static func start(on fleet: LoopbackFleet, options: [String] = [], admin index: Int = 0,
                             name: String = "pegasus") async throws -> PegasusTestCluster {
        try await onDedicatedThread { try start(on: fleet, options: options, admin: index, name: name) }
    }

    /// The state file as JSON.
    public func state() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: statePath))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoopbackFleet.Failure(context: "reading \(statePath)", status: -1, stderr: "no JSON object")
        }
        return object
    }

    /// The stored meta level (`steady`, `lively`, `freezed`...).
    public var metaLevel: String? { (try? state())?["meta_function_level"] as? String }

    /// Every command the shell was given, in order (`<state>.log`).
    public var commands: [String] {
        let text = (try? String(contentsOfFile: statePath + ".log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// The levels `set_meta_level` was asked for, in order.
    public var levelsSet: [String] {
        commands.filter { $0.hasPrefix("set_meta_level ") }.map { String($0.dropFirst("set_meta_level ".count)) }
    }

    /// Changes the state under the double's own lock, as the cluster changing
    /// under a running runbook (a table turning unhealthy, a node coming back).
    public func edit(_ change: (inout [String: Any]) throws -> Void) throws {
        let lock = open(statePath + ".lock", O_CREAT | O_RDWR, 0o644)
        guard lock >= 0 else { throw LoopbackFleet.Failure(context: "opening \(statePath).lock", status: errno, stderr: "") }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw LoopbackFleet.Failure(context: "locking \(statePath).lock", status: errno, stderr: "") }
        defer { _ = flock(lock, LOCK_UN) }
        var object = try state()
        try change(&object)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: statePath), options: .atomic)
    }
}
