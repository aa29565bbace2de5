/// Where an expression or template sits in a runbook, which decides the
/// names it may read: a probe's command cannot read step results, a lock
/// name only parameters, and only tests of a command's output see `result`.
struct ExpressionContext {
    /// Names of what a command returned (`expect`, `until`, guards, watches).
    static let outputRoots: Set<String> = ["result", "stdout", "stderr", "exit"]

    let roots: Set<String>
    /// How to name the place in messages ("the lock", "when of step 'x'").
    let place: String

    static func command(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: ["params", "host", "steps", "probes"], place: place)
    }

    static func condition(_ place: String, perHost: Bool) -> ExpressionContext {
        ExpressionContext(roots: perHost ? ["params", "host", "steps", "probes"] : ["params", "steps", "probes"], place: place)
    }

    static func outputTest(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: outputRoots.union(["params", "host", "steps", "probes"]), place: place)
    }

    static func probeCommand(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: ["params", "host"], place: place)
    }

    static func probeTest(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: outputRoots.union(["params", "host"]), place: place)
    }

    static func parametersOnly(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: ["params"], place: place)
    }

    /// The fields of `host`, as the engine provides them.
    static let hostFields = ["name", "address", "port", "user", "groups", "vars"]
    /// The fields of `steps.<id>` and `probes.<name>`.
    static let resultFields = ["result", "stdout", "stderr", "exit", "hosts", "status", "ok"]
    /// The fields of `steps.<id>.hosts.<name>` (`HostRecord.bindings`).
    static let hostResultFields = ["exit", "result", "stderr", "stdout"]
    /// The same of a `no_log` step, whose output is not kept.
    static let withheldResultFields = ["exit", "hosts", "status", "ok"]
    static let withheldHostResultFields = ["exit", "stderr_sha256", "stdout_sha256"]
}
