/// One step of a runbook (or of its cleanup), with everything that governs
/// how it runs: where, when, how long, how often, and what a failure means.
public struct Step: Sendable {
    /// Unique in the runbook, with the scope prefix for included steps.
    public internal(set) var id: String
    public let location: SourceLocation
    var scope: Int
    public internal(set) var kind: StepKind
    public let doc: String?
    /// The target the step runs on (full name); nil for steps that touch no
    /// host (`approve`, `pause`).
    public internal(set) var target: String?
    /// Where `on:` is written, for messages about the target.
    let targetLocation: SourceLocation?
    /// Evaluated per host; a host where it is false is skipped.
    public let when: Expression?
    /// Per attempt on one host.
    public internal(set) var timeout: Duration?
    /// Attempts after the first, when the command fails or `until` is false.
    public let retries: Int
    /// Between attempts.
    public internal(set) var delay: Duration
    /// Repeat the command (within `retries`) until this holds.
    public let until: Expression?
    let onError: ErrorPolicy
    /// The command that reverses a `run` step, for `on_error: rollback`.
    public let undo: Template?
    /// Declared by the author: a `run` command known not to change anything.
    let readonlyOverride: Bool
    public let serial: BatchSize?
    let maxFail: BatchSize?
    /// Between batches when `serial` splits the hosts.
    public internal(set) var batchPause: Duration?
    public let parser: ParserSpec?
    /// Must hold on every host for the step to succeed.
    public let expect: Expression?
    /// True for steps in `finally`.
    let isCleanup: Bool
    /// How to tell, after a crash, whether this change took effect on a host.
    public var verify: VerifySpec? = nil
    /// A revert armed on the host before the change.
    public var deadman: DeadmanSpec? = nil
    /// What must hold before each batch after the first (`serial:` only).
    public var betweenBatches: BatchGate? = nil
    /// Why this mutating step needs no guard (`unguarded:`): the warning that
    /// none protects it is acknowledged, and not printed on every plan and run.
    public var unguarded: String? = nil
    /// `no_log: true`: the step's output is judged (`parse`, `expect`,
    /// `until`) but neither shown nor journaled; only its exit status and
    /// the SHA-256 of stdout and stderr are kept.
    var noLog = false
    /// `become:` as the step writes it; nil: the host's default (`InventoryHost.become`).
    public var become: BecomeSetting? = nil
    /// The `each:` group the step belongs to, if any.
    public internal(set) var group: StepGroup? = nil
    /// `on: each`: the step runs on the host its copy of the group is for
    /// (`target` names the group's target until the group is unrolled).
    var onEach = false

    /// The command a deadman runs: its own, else the step's undo.
    var deadmanCommand: Template? { deadman?.command ?? undo }

    /// Whether the step may change something on a host. Only these are held
    /// back in a dry run, gated by guards and approvals, and journaled as
    /// intents before they start.
    public var isMutating: Bool {
        if case .run = kind { return !readonlyOverride }
        return false
    }

    /// Whether it is an approval gate (`approve:`).
    var isApprovalGate: Bool {
        if case .approve = kind { return true }
        return false
    }

    /// The command line template for command steps.
    public var command: Template? {
        switch kind {
        case let .run(template), let .check(template): return template
        default: return nil
        }
    }
}

/// What a step does.
public enum StepKind: Sendable {
    /// A command that may change the host.
    case run(Template)
    /// A read-only command whose output is tested with `expect`.
    case check(Template)
    /// Poll a probe until a condition holds.
    case wait(WaitSpec)
    /// Pause the run until enough people approve it.
    case approve(ApprovalSpec)
    /// Fetch files from the hosts into the run's artifact folder.
    case collect(CollectSpec)
    /// A fixed delay, with the reason shown to the operator.
    case pause(PauseSpec)
    /// A Markdown and JSON report made on the controller, into the run's artifact folder.
    case report(ReportSpec)

    /// The YAML key that selects the kind.
    var keyword: String {
        switch self {
        case .run: return "run"
        case .check: return "check"
        case .wait: return "wait"
        case .approve: return "approve"
        case .collect: return "collect"
        case .pause: return "pause"
        case .report: return "report"
        }
    }
}
