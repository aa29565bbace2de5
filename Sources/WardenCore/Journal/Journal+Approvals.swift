import Foundation

extension Journal {
    /// Records a decision on a run's gate, with its audit record (stamped with the decision's time).
    public func record(_ approval: Approval) async throws(JournalError) {
        let (actor, location) = (self.actor, path)
        try await store.write { writer in
            guard try writer.run(approval.runID) != nil else { throw Journal.noSuchRun(approval.runID, in: location) }
            try writer.insert(approval)
            try Journal.audit(.init(action: .approval, runID: approval.runID, step: approval.step, status: approval.decision.rawValue,
                                    summary: approval.comment, digest: approval.planHash),
                              actor: actor, at: Date(timeIntervalSince1970: approval.at), in: writer)
        }
    }

    /// Every decision recorded, oldest first.
    public func allApprovals() async throws(JournalError) -> [Approval] {
        try await store.read { reader in try reader.approvals(of: nil) }
    }

    /// The decisions on `run`'s gate `step`, oldest first.
    public func approvals(of run: String, step: String) async throws(JournalError) -> [Approval] {
        try await store.read { reader in try reader.approvals(of: run).filter { $0.step == step } }
    }
}
