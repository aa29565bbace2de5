import Foundation

extension JournalRun {
    /// Why another controller may not take this run over at `now` (the journal's clock), or nil
    /// when it may: it holds the run already (`fence`, after a takeover), the run was left to an
    /// operator, the run's controller on this machine is gone, or the run's lease lapsed. A
    /// controller on another machine whose lease holds is alive as far as anyone can tell: only
    /// its lease says otherwise.
    public func stillControlled(at now: Date, heldWith fence: RunFence? = nil) -> String? {
        if let fence, fence.runID == id, fence.epoch == epoch { return nil }
        if isLeftToOperator { return nil }
        if OperatingSystemUser.isGone(controller) { return nil }
        if let leaseUntil, leaseUntil < now.timeIntervalSince1970 { return nil }
        let lease = leaseUntil.map { "; its lease runs until \(Date(timeIntervalSince1970: $0))" } ?? ""
        return "run \(id) is still controlled by \(controller)\(lease); resume only a run whose controller died or stopped renewing its lease"
    }

    /// Whether a controller adopted the run and then left it to an operator (`Journal.park`: a
    /// change of unknown outcome without `verify:`, a secret to give again): it is no longer
    /// leased, and no controller adopts it again; an operator's resume carries it on.
    public var isLeftToOperator: Bool {
        status == .running && epoch > 1 && leaseUntil == nil
    }
}
