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

    /// The gate's state under `terms`: any allowed denial blocks; approvals
    /// count once per person, only for the plan hash given, never the
    /// initiator's unless the terms allow it, and only from the terms'
    /// approvers when they name any. The caller passes only approvals it
    /// trusts (signed, when the terms require signatures).
    public static func gateState(_ approvals: [Approval], terms: ApprovalTerms, planHash: String, initiator: String) -> GateState {
        var approvedBy: [String] = []
        for approval in approvals where approval.planHash == planHash {
            if terms.refusal(of: approval.approver, initiator: initiator, decision: approval.decision) != nil { continue }
            if approval.decision == .deny { return .denied(by: approval.approver, comment: approval.comment) }
            if !approvedBy.contains(approval.approver) { approvedBy.append(approval.approver) }
        }
        return approvedBy.count >= terms.quorum ? .approved(by: approvedBy) : .waiting(approvedBy: approvedBy)
    }
}
