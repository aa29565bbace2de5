/// What `warden plan` found: for every step and host, the exact command and
/// whether the run will run it, skip it (and why), or cannot know yet
/// (and which step it waits on); the guards and probes evaluated on real
/// data; and the plan hash approvals bind to. Secrets are already redacted.
public struct Plan: Sendable, Codable {
    public var runbook: String
    public var file: String
    /// True when nothing was run on any host (`--offline`).
    public var offline: Bool
    public var parameters: [PlanParameter] = []
    public var targets: [PlanTarget] = []
    /// `--limit PATTERN` that narrowed the targets; nil when none did (and in plans
    /// journaled before it existed). `warden resume` narrows them the same way.
    public var limit: String?
    public var window: PlanWindow?
    public var lock: String?
    /// The host that also holds the lock as a lock directory.
    var lockHost: String?
    /// The host state folders the run will need (its lock host's, its deadmen hosts'),
    /// as checked without creating anything; nil when planned offline or none is needed.
    var hostState: [PlanHostState]?
    /// Every read-only command the plan ran, per host.
    public var probeRuns: [PlanProbeRun] = []
    /// The guards as first evaluated, before the first change.
    public var guards: [PlanGuard] = []
    public var watches: [PlanWatch] = []
    public var steps: [PlannedStep] = []
    /// `finally`: always runs, whatever ends the run.
    public var cleanup: [PlannedStep] = []
    public var verdict: PlanVerdict = .proceeds
    /// Why the run would be blocked or fail, when it would.
    public var verdictReason: String?
    /// `sha256:` and the hex digest over the runbook, parameters (secrets by their keyed
    /// digests), hosts and commands.
    public var hash: String = ""
    /// `sha256:` over the runbook's files (every included one too) as the plan read them: a
    /// resume refuses a runbook whose files changed since the run started. Nil in plans
    /// journaled by versions before it.
    var sourcesDigest: String?
    /// The key the secret parameters' digests (`PlanParameter.digest`) were made with;
    /// nil when the runbook has no secret parameter, or in plans journaled by versions
    /// before it.
    public var secretKey: PlanSecretKey?
    /// Where the plan shows `<secret>` for text that is not a secret but equals one's
    /// value; nil when nowhere.
    public var secretMasks: [PlanSecretMask]?

    public init(runbook: String, file: String, offline: Bool) {
        self.runbook = runbook
        self.file = file
        self.offline = offline
    }

    /// Whether a run may start on this plan: it proceeds, or only read-only checks fail in a
    /// runbook that changes nothing (its failing checks are its result). `warden run` and the
    /// daemon both decide here.
    public var allowsStart: Bool {
        verdict == .proceeds || (verdict == .fails && !(steps + cleanup).contains(where: \.mutating))
    }

    /// How a run that may not start ends in the journal: blocked by a guard, or failed checks.
    public var notStartedStatus: RunStatus { verdict == .blocked ? .blocked : .failedChecks }

    /// Hosts a mutating step will (or may) change, counted once per step.
    public var changes: Int {
        (steps + cleanup).filter(\.mutating).reduce(0) { total, step in
            total + step.hosts.filter { $0.status == .willRun || $0.status == .unknown }.count
        }
    }
}

/// What the run would come to, as far as the plan can tell.
public enum PlanVerdict: String, Sendable, Codable {
    /// Nothing found that would stop it.
    case proceeds
    /// A guard fails now: the run would stop before its first change.
    case blocked
    /// A read-only check fails, or a host cannot be reached: the run would fail.
    case fails
}

/// A host state folder (`HostStateFolder`) as the plan found it.
struct PlanHostState: Sendable, Codable, Equatable {
    public var host: String
    /// Its path on the host, when the host said.
    public var folder: String?
    /// `ok`, `absent` (created by the run), or `refused`.
    public var status: String
    /// Why it is refused, naming the path and what was found.
    public var problem: String?
}

public struct PlanParameter: Sendable, Codable {
    public var name: String
    /// As given or defaulted; `<secret>` for secrets.
    public var value: String
    public var secret: Bool
    /// For a secret with a value: `hmac-sha256:` of it under the plan's `secretKey`,
    /// which the plan hash covers. Never the value, nor a digest anyone could test guesses against.
    public var digest: String?
}

public struct PlanTarget: Sendable, Codable {
    public var name: String
    public var hosts: [String]
}

public struct PlanWindow: Sendable, Codable {
    public var between: String
    public var timezone: String
    public var openNow: Bool
    /// Seconds left when open, or until it opens when closed.
    public var seconds: Double
    /// A scheduled occurrence's window: its start and end, UTC seconds since 1970 (nil for a
    /// runbook's daily window). A resume keeps the run to this same window.
    public var opens: Double?
    public var closes: Double?
    /// Seconds kept for cleanup at the window's end (`window.cleanup_reserve`): no step starts inside
    /// them. Nil in plans journaled by versions before it.
    public var cleanupReserve: Double?
}

public struct PlanProbeRun: Sendable, Codable {
    public var probe: String
    public var host: String
    public var command: String
    public var exit: Int?
    /// Why the probe gave no data on this host (unreachable, unparsable).
    public var error: String?
}

public struct PlanGuard: Sendable, Codable {
    public var location: String
    /// The rules file it came from when the runbook uses one: `use 'health'`.
    public var via: String?
    public var expect: String
    public var status: PlanCondition
    /// Per host: what was seen, or why it could not be.
    public var details: [String]
}

public struct PlanWatch: Sendable, Codable {
    public var location: String
    /// The rules file it came from when the runbook uses one: `use 'health'`.
    public var via: String?
    public var every: String
    public var abortIf: String
    /// abort_if evaluated now: `holds` means the watch would abort right away.
    public var now: PlanCondition
    public var details: [String]
}

/// A condition evaluated during planning.
public enum PlanCondition: String, Sendable, Codable {
    case holds, fails, unknown
}

public struct PlannedStep: Sendable, Codable {
    public var number: Int
    public var id: String
    public var kind: String
    public var mutating: Bool
    public var target: String?
    public var location: String
    public var status: PlannedStatus
    /// One line: what the step will do, or why it will not.
    public var summary: String
    public var hosts: [PlannedHost] = []
    /// Host names per batch when `serial` splits them.
    public var batches: [[String]]?
    /// What happens before each batch after the first (pause, health gate, guards).
    public var betweenBatches: String?
}

public struct PlannedHost: Sendable, Codable {
    public var host: String
    public var status: PlannedStatus
    /// The exact command line (secrets redacted); nil when it depends on a
    /// result not known yet.
    public var command: String?
    public var undo: String?
    /// The revert a deadman armed before the change runs (`deadman: {run: ...}`),
    /// as it will be armed; nil without one, or when the deadman runs `undo`.
    public var deadman: String? = nil
    /// `pegasus via sudo` when the command runs as another user than the
    /// login user (`become`); nil for the login user.
    public var runAs: String? = nil
    public var reason: String?
    /// The step whose outcome this host's decision waits on.
    public var waitsOn: String?
}

/// The plan's verdict for a step on a host.
public enum PlannedStatus: String, Sendable, Codable {
    /// A change that will run.
    case willRun = "will-run"
    /// `when` is false.
    case skipped
    /// Depends on a result only the run will have.
    case unknown
    /// A read-only command the plan ran: its expectations hold.
    case passed
    /// A read-only command the plan ran: its expectations fail, the run would fail here.
    case failed
    /// The run stops before this step.
    case notReached = "not-reached"
    /// A step that touches no host (approve, pause) and will happen.
    case willHappen = "will-happen"
}
