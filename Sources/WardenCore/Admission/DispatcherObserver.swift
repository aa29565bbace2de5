/// What the dispatcher tells whoever counts (the daemon's metrics): runs
/// started and finished, and every host command's outcome. Called from run
/// tasks: must not block.
public protocol DispatcherObserver: Sendable {
    func runStarted(runbook: String, trigger: RunTrigger)
    func runFinished(runbook: String, status: RunStatus, seconds: Double)
    func activeRunsChanged(to count: Int)
    /// A host finished a step's command: `failure` says how it failed, nil when it succeeded.
    func hostCommandFinished(failure: HostFailureKind?)
    /// Another controller adopted a run this one carried (its lease lapsed): this one stopped
    /// sending and writing anything for it. `reason` names the run and its new controller.
    func runLost(reason: String)
    /// Something went wrong in a run that does not end it (its hold could not be renewed, a
    /// lock host could not be reached): for the daemon's log. `text` names the run.
    func runWarning(_ text: String)
}

extension DispatcherObserver {
    public func runLost(reason: String) {}
    public func runWarning(_ text: String) {}
}

/// How a host command failed, for counting (never per host: cardinality).
public enum HostFailureKind: String, Sendable, Codable, CaseIterable {
    case unreachable
    case authentication
    case hostKey = "host_key"
    case timeout
    case nonzero
    case other
}

extension HostFailureKind {
    /// How an attempt that failed failed: the transport's kind when it could not run, `nonzero`
    /// when it exited otherwise than 0, `other` when its output or expectations failed it.
    init(_ outcome: CommandAttempt.Outcome) {
        switch outcome {
        case let .unreachable(_, kind):
            switch kind {
            case .unreachable?, .connectTimeout?: self = .unreachable
            case .authFailed?: self = .authentication
            case .hostKeyUnknown?, .hostKeyChanged?: self = .hostKey
            case .commandTimedOut?, .transferTimedOut?: self = .timeout
            default: self = .other
            }
        case let .ran(record, _):
            self = record.exit == 0 ? .other : .nonzero
        }
    }
}

/// An observer that counts nothing.
public struct SilentDispatcherObserver: DispatcherObserver {
    public init() {}
    public func runStarted(runbook: String, trigger: RunTrigger) {}
    public func runFinished(runbook: String, status: RunStatus, seconds: Double) {}
    public func activeRunsChanged(to count: Int) {}
    public func hostCommandFinished(failure: HostFailureKind?) {}
}
