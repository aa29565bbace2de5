/// What a run did: per step and host, the command that ran (secrets
/// redacted), its outcome and why; and how the run ended. Printed at the end
/// of `warden run` and, as JSON, for machines.
public struct RunReport: Sendable, Codable {
    public var runbook: String
    public var file: String
    /// The journal's id for the run.
    public var runID: String = ""
    /// The hash of the plan the run carried out (see `PlanHash`).
    public var planHash: String = ""
    public var status: RunStatus = .succeeded
    /// Why the run failed, was aborted or blocked.
    public var reason: String?
    public var steps: [StepReport] = []
    /// `finally`, which ran whatever ended the run.
    public var cleanup: [StepReport] = []
    /// `undo` commands run by a rollback, newest first.
    public var rollback: [StepReport] = []
    /// Deadmen armed on hosts during the run and what became of them.
    public var deadmen: [DeadmanReport] = []
    /// The plan's verdict, as `warden run` found it before starting; nil from `warden resume`,
    /// which makes no new plan.
    public var verdict: PlanVerdict?
    /// The plan, when the run was not started because of it: its guards, checks and probe
    /// values say why, so a machine reading the report needs nothing else.
    public var plan: Plan?

    public init(runbook: String, file: String) {
        self.runbook = runbook
        self.file = file
    }
}

/// How a run ended, as its exit status tells it: 0 succeeded; 1 failed,
/// aborted (cleanup ran), failed its checks or denied; 3 blocked (a guard
/// failed before any change, an approval was not given).
///
/// The raw values are what the journal keeps (`runs.status`, beside
/// `running` while a run runs) and `warden runs` shows: they are stable.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case succeeded, failed, aborted, blocked
    /// Not started: the plan's read-only checks failed, or a host could not be reached.
    case failedChecks = "failed-checks"
    /// Not started: the operator did not confirm the plan.
    case denied
    /// Given up by an operator after its controller died (`warden resume --abandon`):
    /// only its pending cleanup ran (exit 1 when that failed).
    case abandoned
}

public struct StepReport: Sendable, Codable {
    public var id: String
    public var kind: String
    public var mutating: Bool
    public var status: StepStatus
    public var summary: String
    public var hosts: [HostReport] = []
    /// A check whose output is its report (it has no `parse:`): shown to the operator.
    public var showsOutput: Bool = false
    /// Host names per batch when `serial` split the hosts (as `HostBatches` does for the plan).
    public var batches: [[String]]? = nil
    /// A `report` step's Markdown (secrets masked), shown to the operator as well as written.
    public var text: String? = nil
}

/// A step's outcome.
public enum StepStatus: String, Sendable, Codable, CaseIterable {
    case ok, failed, skipped
    /// The run stopped before it.
    case notRun = "not-run"
}

/// A deadman at the end of a run: disarmed once cleanup succeeded, or left
/// armed (it will revert the change on its own at `firesAt`).
public struct DeadmanReport: Sendable, Codable {
    public var host: String
    public var step: String
    public var status: DeadmanStatus
    public var firesAt: Double
    public var detail: String?
}

public struct HostReport: Sendable, Codable {
    public var host: String
    public var status: StepStatus
    public var command: String?
    public var exit: Int?
    var attempts: Int
    public var reason: String?
    /// What the command printed on stdout, redacted and cut to its first and
    /// last lines: what a `check` reports, shown to the operator.
    public var output: String? = nil
    /// Which batch (from 1) the host ran in, when `serial` split the hosts.
    public var batch: Int? = nil
    /// How its command failed, for counting; nil when it did not fail, or failed before running.
    public var failure: HostFailureKind? = nil

    /// At most this many lines of output are kept (half from the start, half from the end).
    static let outputLines = 20

    /// `text` cut to `outputLines` lines, saying how many were left out; nil when empty.
    static func excerpt(_ text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { return nil }
        guard lines.count > outputLines else { return lines.joined(separator: "\n") }
        let half = outputLines / 2
        return (lines.prefix(half) + ["... (\(lines.count - outputLines) lines left out)"] + lines.suffix(half)).joined(separator: "\n")
    }
}
