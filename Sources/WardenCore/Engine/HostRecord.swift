/// What one command (a step's or a probe's) gave on one host, as
/// expressions see it: `result` (the parsed output), `stdout`, `stderr`,
/// `exit`.
public struct HostRecord: Sendable, Hashable {
    public var stdout: String
    public var stderr: String
    /// Nil when the command was killed by a signal or never finished.
    public var exit: Int?
    /// The parsed output; null without a parser.
    public var result: Value
    /// Set for a `no_log` step's record once its own step has judged it: the
    /// SHA-256 of stdout and of stderr, which is all that is kept, shown or
    /// journaled of them (`stdout`, `stderr` and `result` are then empty).
    public var withheld: (stdout: String, stderr: String)?

    public init(stdout: String, stderr: String, exit: Int?, result: Value) {
        self.stdout = stdout
        self.stderr = stderr
        self.exit = exit
        self.result = result
    }

    /// The record of a `no_log` step: its exit status and the digests of its
    /// output, nothing of the output itself.
    var withholdingOutput: HostRecord {
        var record = HostRecord(stdout: "", stderr: "", exit: exit, result: .null)
        record.withheld = withheld ?? (ChainHash.digest(stdout) ?? "", ChainHash.digest(stderr) ?? "")
        return record
    }

    /// The names `expect`, `until`, guards and watches read. A withheld
    /// record has no `result`, `stdout` or `stderr`, so reading them is an
    /// error (as any missing field is), never an empty text taken for output.
    var bindings: [String: Value] {
        if let withheld {
            return ["exit": exit.map(Value.int) ?? .null, "stdout_sha256": .string(withheld.stdout),
                    "stderr_sha256": .string(withheld.stderr)]
        }
        return ["result": result, "stdout": .string(stdout), "stderr": .string(stderr), "exit": exit.map(Value.int) ?? .null]
    }

    public static func == (lhs: HostRecord, rhs: HostRecord) -> Bool {
        lhs.stdout == rhs.stdout && lhs.stderr == rhs.stderr && lhs.exit == rhs.exit && lhs.result == rhs.result
            && lhs.withheld?.stdout == rhs.withheld?.stdout && lhs.withheld?.stderr == rhs.withheld?.stderr
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(stdout)
        hasher.combine(stderr)
        hasher.combine(exit)
        hasher.combine(result)
        hasher.combine(withheld?.stdout)
        hasher.combine(withheld?.stderr)
    }

    public var value: Value { .map(bindings) }
}

/// Per-host records of one step or probe, in host order, and how they read
/// as `steps.<id>` / `probes.<name>`: `result`, `stdout`, `stderr` and `exit`
/// of the host when there is one (a list over hosts otherwise), `hosts.<name>`
/// for each, `status` and `ok`.
public struct RecordSet: Sendable, Hashable {
    public let hosts: [(name: String, record: HostRecord)]
    /// `ok`, `failed` or `skipped`.
    public let status: String
    /// Built once: every later step's expressions on every host read it, and
    /// rebuilding it per read grew with hosts times steps squared.
    public let value: Value

    /// `outcomes`: how the step ended on each host it was decided for, by name
    /// (`ok`, `failed`, `skipped`, `not-run`, and why). A host without a record
    /// (skipped by `when`, not reached) still reads as `hosts.<name>`, with
    /// its `status` and `reason` and no output, so `steps.x.hosts[host.name]`
    /// is never an error on a host the step left out.
    public init(hosts: [(name: String, record: HostRecord)], status: String, outcomes: [HostOutcomeNote] = []) {
        self.hosts = hosts
        self.status = status
        value = RecordSet.view(hosts: hosts, status: status, outcomes: outcomes)
    }

    /// The same records, with `before` (the probe's sample taken before the
    /// run's first change, `probes.<name>.before`) added to how they read.
    public func with(before: RecordSet) -> RecordSet {
        var entries: [String: Value] = [:]
        if case let .map(current) = value { entries = current }
        entries["before"] = before.value
        return RecordSet(hosts: hosts, status: status, value: .map(entries))
    }

    /// Only `before`, for a probe a step reads as `probes.<name>.before` alone.
    static func onlyBefore(_ before: RecordSet) -> RecordSet {
        RecordSet(hosts: [], status: before.status, value: .map(["before": before.value]))
    }

    private init(hosts: [(name: String, record: HostRecord)], status: String, value: Value) {
        self.hosts = hosts
        self.status = status
        self.value = value
    }

    public static func == (lhs: RecordSet, rhs: RecordSet) -> Bool {
        lhs.status == rhs.status && lhs.hosts.map(\.name) == rhs.hosts.map(\.name) && lhs.hosts.map(\.record) == rhs.hosts.map(\.record)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        for (name, record) in hosts {
            hasher.combine(name)
            hasher.combine(record)
        }
    }

    private static func view(hosts: [(name: String, record: HostRecord)], status: String, outcomes: [HostOutcomeNote]) -> Value {
        var entries: [String: Value] = ["status": .string(status), "ok": .bool(status == "ok")]
        var perHost: [String: Value] = [:]
        for outcome in outcomes {
            perHost[outcome.host] = .map(["result": .null, "stdout": .string(""), "stderr": .string(""), "exit": .null,
                                          "status": .string(outcome.status.rawValue), "reason": outcome.reason.map(Value.string) ?? .null])
        }
        for (name, record) in hosts {
            var bindings = record.bindings
            let outcome = outcomes.first { $0.host == name }
            bindings["status"] = .string(outcome?.status.rawValue ?? StepStatus.ok.rawValue)
            bindings["reason"] = outcome?.reason.map(Value.string) ?? .null
            perHost[name] = .map(bindings)
        }
        entries["hosts"] = .map(perHost)
        for key in ["result", "stdout", "stderr", "exit"] {
            // A no_log step's output is absent, not null: reading it is an error.
            guard hosts.allSatisfy({ $0.record.withheld == nil }) || key == "exit" else { continue }
            let values = hosts.map { $0.record.bindings[key] ?? .null }
            entries[key] = hosts.count == 1 ? values[0] : .list(values)
        }
        return .map(entries)
    }
}
