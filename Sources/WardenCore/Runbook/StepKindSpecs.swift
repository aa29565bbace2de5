/// `wait:` — poll a probe every `every` until `until` holds on
/// `consecutive` polls in a row, or give up at `timeout`.
public struct WaitSpec: Sendable {
    public let probe: ProbeReference
    /// Where `probe:` names or spells out the probe, for messages about it.
    let probeLocation: SourceLocation
    public let until: Expression
    let consecutive: Int
    public internal(set) var every: Duration
    public internal(set) var timeout: WaitTimeout
}

/// How long a wait may last: a fixed time, or until the runbook's
/// maintenance window closes.
public enum WaitTimeout: Sendable, Hashable {
    case duration(Duration)
    case window
}

/// `approve:` — a gate that needs `quorum` distinct approvers other than
/// the initiator, from `approvers` when given, within `timeout`.
public struct ApprovalSpec: Sendable {
    public let quorum: Int
    public internal(set) var timeout: Duration
    /// Operating-system user names allowed to approve; empty: anyone.
    public let approvers: [String]
    public let message: String?
}

/// `collect:` — remote files fetched into the run's artifact folder, one
/// sub-folder per host. Read-only on the hosts.
public struct CollectSpec: Sendable {
    /// Remote paths, rendered per host as text.
    public let paths: [Template]
    /// `max_bytes:` the largest file fetched, as bytes or a template reading
    /// parameters (rendered per host to a positive integer); nil: no cap but
    /// each file's size when its fetch began.
    public var maxBytes: Template? = nil
    /// `follow_symlinks: true` fetches what a listed symbolic link points
    /// to; by default a link is refused, so a file swapped for a link to
    /// another file the host user can read is never fetched.
    public var followSymlinks = false
}

/// `pause:` — wait a fixed time, saying why.
public struct PauseSpec: Sendable {
    public internal(set) var duration: Duration
    public let reason: String?
}

/// The parser a step or probe names in `parse:`, checked at load.
public struct ParserSpec: Sendable {
    public let name: String
    public let pattern: String?
    public let parser: any OutputParsing
}

/// `deadman:` on a `run` step: before the change, a timer is armed on the
/// host itself that runs `command` (the step's `undo` unless given) after
/// `after`, unless the run disarms it once its cleanup succeeded. It brings
/// the host back to safety even when the controller vanishes mid-run.
public struct DeadmanSpec: Sendable {
    public internal(set) var after: Duration
    /// nil: the step's `undo`.
    public let command: Template?
    public let location: SourceLocation
}

/// `verify:` on a `run` step: a read-only command whose `expect` says
/// whether the change took effect on a host. `warden resume` runs it for a
/// change whose outcome was never journaled, instead of asking the operator.
public struct VerifySpec: Sendable {
    public let command: Template
    public let parser: ParserSpec?
    /// True when the change took effect; reads `result`, `stdout`, `stderr`, `exit`.
    public let expect: Expression
    public let location: SourceLocation
}
