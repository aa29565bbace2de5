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

    public init(stdout: String, stderr: String, exit: Int?, result: Value) {
        self.stdout = stdout
        self.stderr = stderr
        self.exit = exit
        self.result = result
    }

    /// The names `expect`, `until`, guards and watches read.
    public var bindings: [String: Value] {
        ["result": result, "stdout": .string(stdout), "stderr": .string(stderr), "exit": exit.map(Value.int) ?? .null]
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

    public init(hosts: [(name: String, record: HostRecord)], status: String) {
        self.hosts = hosts
        self.status = status
        value = RecordSet.view(hosts: hosts, status: status)
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

    private static func view(hosts: [(name: String, record: HostRecord)], status: String) -> Value {
        var entries: [String: Value] = ["status": .string(status), "ok": .bool(status == "ok")]
        var perHost: [String: Value] = [:]
        for (name, record) in hosts { perHost[name] = record.value }
        entries["hosts"] = .map(perHost)
        for key in ["result", "stdout", "stderr", "exit"] {
            let values = hosts.map { $0.record.bindings[key] ?? .null }
            entries[key] = hosts.count == 1 ? values[0] : .list(values)
        }
        return .map(entries)
    }
}
