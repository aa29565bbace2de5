/// Why the daemon did not do what it was asked. The kind is what an HTTP
/// handler turns into a status code; the description names the run, the
/// field or the guard, and what to do. Nothing was changed by a request that
/// ends in one of these, except that a refused start is journaled.
public struct AdmissionError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request does not hold together: parameters that do not bind, a bad limit (422).
        case invalidInput
        /// The run, runbook or inventory named does not exist (404).
        case notFound
        /// A fresh plan's hash is not the one the caller confirmed: `plan` is the new one (409).
        case planChanged
        /// A guard or a held lock stops it, or it is not in a state for this (409).
        case conflict
        /// The person may not do this here (self-approval, not on the approver list) (403).
        case forbidden
        /// Too many runs at once (429).
        case busy
        /// The daemon is stopping and takes no new work (503).
        case stopping
        /// Something failed on the way: the journal, a lock host (500).
        case failed
    }

    public let kind: Kind
    public let description: String
    /// The fresh plan, for `planChanged` and for a start refused by its plan.
    public let plan: Plan?
    /// The run the refusal was journaled as, when it was.
    public let runID: String?

    public init(_ kind: Kind, _ description: String, plan: Plan? = nil, runID: String? = nil) {
        self.kind = kind
        self.description = description
        self.plan = plan
        self.runID = runID
    }

    /// The engine's refusal, in the daemon's terms.
    init(_ error: RunSessionError, runID: String? = nil) {
        let kind: Kind = switch error.kind {
        case .invalidInput: .invalidInput
        case .blocked, .declined: .conflict
        case .failed: .failed
        }
        self.init(kind, error.description, runID: runID)
    }
}
