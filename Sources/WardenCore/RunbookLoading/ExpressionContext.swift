/// Where an expression or template sits in a runbook, which decides the
/// names it may read: a probe's command cannot read step results, a lock
/// name only parameters, and only tests of a command's output see `result`.
struct ExpressionContext {
    /// Names of what a command returned (`expect`, `until`, guards, watches).
    static let outputRoots: Set<String> = ["result", "stdout", "stderr", "exit"]

    let roots: Set<String>
    /// How to name the place in messages ("the lock", "when of step 'x'").
    let place: String
    /// A shell command line on a host, where every account there can read a
    /// secret rendered into it (`ps`).
    var commandLine = false
    /// Whether `{{ secret_file … }}` may appear: only where a command runs
    /// while its files exist.
    var secretFiles = false

    static func command(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: ["params", "host", "steps", "probes"], place: place, commandLine: true, secretFiles: true)
    }

    /// A deadman's revert: a command line, but run by a timer on the host
    /// long after the step's secret files were removed.
    static func deadmanCommand(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: ["params", "host", "steps", "probes"], place: place, commandLine: true)
    }

    /// `collect` paths: read like a command, but fetched over SFTP, never run.
    static func remotePaths(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: ["params", "host", "steps", "probes"], place: place)
    }

    static func condition(_ place: String, perHost: Bool) -> ExpressionContext {
        ExpressionContext(roots: perHost ? ["params", "host", "steps", "probes"] : ["params", "steps", "probes"], place: place)
    }

    static func outputTest(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: outputRoots.union(["params", "host", "steps", "probes"]), place: place)
    }

    static func probeCommand(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: ["params", "host"], place: place, commandLine: true, secretFiles: true)
    }

    static func probeTest(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: outputRoots.union(["params", "host"]), place: place)
    }

    /// A report: made on the controller, from what the run found; not per host.
    static func report(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: ["params", "steps", "probes"], place: place)
    }

    static func parametersOnly(_ place: String) -> ExpressionContext {
        ExpressionContext(roots: ["params"], place: place)
    }

    /// The fields of `host`, as the engine provides them.
    static let hostFields = ["name", "address", "port", "user", "groups", "vars"]
    /// The fields of `steps.<id>` and `probes.<name>`.
    static let resultFields = ["result", "stdout", "stderr", "exit", "hosts", "status", "ok"]
    /// The fields of `steps.<id>.hosts.<name>` (`HostRecord.bindings`).
    static let hostResultFields = ["exit", "reason", "result", "status", "stderr", "stdout"]
    /// The same of a `no_log` step, whose output is not kept.
    static let withheldResultFields = ["exit", "hosts", "status", "ok"]
    static let withheldHostResultFields = ["exit", "reason", "status", "stderr_sha256", "stdout_sha256"]
}
