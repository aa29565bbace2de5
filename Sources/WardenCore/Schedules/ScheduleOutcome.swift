import Foundation

/// How one occurrence of a schedule ended: every occurrence gets exactly one,
/// journaled as its last event, so "what happened to last night's window?"
/// always has an answer, including when nothing ran.
public enum ScheduleOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Its run started (the run's own status says how it went).
    case started(run: String)
    /// The schedule's previous run was still going (`overlap: skip`, or a queue that was full or ran out of time).
    case skippedOverlap(run: String)
    /// It did not start in time: why (the daemon was down, a later occurrence was due).
    case missed(String)
    /// It fell in a blackout: which, and why the blackout is there.
    case skippedBlackout(String)
    /// Its plan was not approved by the last useful start, or was denied: why.
    case notApproved(String)
    /// A guard, lock or the window stopped the run before any change: the plan's reason.
    case planBlocked(String)
    /// `enabled: false` in the config.
    case disabled
    /// An operator paused the schedule: who and why.
    case paused(String)
    /// The start was refused for another reason (the runbook left the catalog, too many runs): why.
    case startFailed(String)

    /// A short stable name, for metrics labels and filters.
    public var kind: String {
        switch self {
        case .started: "started"
        case .skippedOverlap: "skipped-overlap"
        case .missed: "missed"
        case .skippedBlackout: "skipped-blackout"
        case .notApproved: "not-approved"
        case .planBlocked: "plan-blocked"
        case .disabled: "disabled"
        case .paused: "paused"
        case .startFailed: "start-failed"
        }
    }

    public static let kinds = ["started", "skipped-overlap", "missed", "skipped-blackout", "not-approved", "plan-blocked", "disabled", "paused",
                               "start-failed"]

    /// The run it names, if any.
    public var run: String? {
        switch self {
        case let .started(run), let .skippedOverlap(run): run
        default: nil
        }
    }

    /// The reason text it carries, if any.
    public var reason: String? {
        switch self {
        case let .missed(text), let .skippedBlackout(text), let .notApproved(text), let .planBlocked(text), let .paused(text), let .startFailed(text): text
        case .started, .skippedOverlap, .disabled: nil
        }
    }

    public var description: String {
        switch self {
        case let .started(run): "started \(run)"
        case let .skippedOverlap(run): "skipped: overlap with \(run)"
        case let .missed(why): "missed: \(why)"
        case let .skippedBlackout(which): "skipped: blackout \(which)"
        case let .notApproved(why): "not approved: \(why)"
        case let .planBlocked(why): "plan blocked: \(why)"
        case .disabled: "disabled"
        case let .paused(why): "skipped: paused \(why)"
        case let .startFailed(why): "start failed: \(why)"
        }
    }

    /// What the journal's `outcome` event carries: the kind, then `: ` and the reason when there is one.
    public var detail: String { kind + (reason.map { ": \($0)" } ?? "") }

    /// Reads an `outcome` event back; nil for a kind this version does not know.
    public init?(detail: String, run: String?) {
        let kind: Substring
        let reason: String
        if let colon = detail.range(of: ": ") {
            kind = detail[..<colon.lowerBound]
            reason = String(detail[colon.upperBound...])
        } else {
            kind = Substring(detail)
            reason = ""
        }
        switch kind {
        case "started": self = .started(run: run ?? "")
        case "skipped-overlap": self = .skippedOverlap(run: run ?? "")
        case "missed": self = .missed(reason)
        case "skipped-blackout": self = .skippedBlackout(reason)
        case "not-approved": self = .notApproved(reason)
        case "plan-blocked": self = .planBlocked(reason)
        case "disabled": self = .disabled
        case "paused": self = .paused(reason)
        case "start-failed": self = .startFailed(reason)
        default: return nil
        }
    }
}
