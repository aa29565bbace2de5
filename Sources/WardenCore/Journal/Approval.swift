import Foundation
import GRDB

/// An approver's decision on a run's gate, bound to the plan hash the
/// approver was shown: an approval of another plan does not count.
public struct Approval: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "approvals"

    public var runID: String
    public var step: String
    /// The operating-system user who decided (never a name typed on a command line).
    public var approver: String
    /// `approve` or `deny`.
    public var decision: String
    public var comment: String?
    public var planHash: String
    public var at: Double
    /// The approver's signature over `ApprovalSignature.message(...)` of this decision; nil when unsigned.
    public var signature: String?

    public init(runID: String, step: String, approver: String, decision: String, comment: String?, planHash: String,
                signature: String? = nil, at: Date = Date()) {
        self.runID = runID
        self.step = step
        self.approver = approver
        self.decision = decision
        self.comment = comment
        self.planHash = planHash
        self.signature = signature
        self.at = at.timeIntervalSince1970
    }

    /// What its signature must cover.
    public var signedMessage: String {
        ApprovalSignature.message(run: runID, step: step, decision: decision, approver: approver, planHash: planHash, comment: comment)
    }

    enum CodingKeys: String, CodingKey {
        case step, approver, decision, comment, at, signature
        case runID = "run_id"
        case planHash = "plan_hash"
    }
}

extension Journal {
    public func record(_ approval: Approval) async throws(JournalError) {
        let actor = self.actor
        try await write { db in
            try approval.insert(db)
            try Journal.audit(.init(action: "approval", runID: approval.runID, step: approval.step, status: approval.decision,
                                    summary: approval.comment, digest: approval.planHash), actor: actor, in: db)
        }
    }

    /// Every decision recorded, oldest first.
    public func allApprovals() async throws(JournalError) -> [Approval] {
        try await access { db in try Approval.order(Column("at")).fetchAll(db) }
    }

    public func approvals(of run: String, step: String) async throws(JournalError) -> [Approval] {
        try await access { db in
            try Approval.filter(Column("run_id") == run && Column("step") == step).order(Column("at")).fetchAll(db)
        }
    }
}
