import Foundation

/// An approver's decision on a run's gate, bound to the plan hash the
/// approver was shown: an approval of another plan does not count.
public struct Approval: Sendable, Hashable, Codable {
    public var runID: String
    public var step: String
    /// The operating-system user who decided (never a name typed on a command line).
    public var approver: String
    public var decision: Decision
    public var comment: String?
    public var planHash: String
    public var at: Double
    /// The approver's signature over `ApprovalSignature.message(...)` of this decision; nil when unsigned.
    public var signature: String?

    public init(runID: String, step: String, approver: String, decision: Decision, comment: String?, planHash: String,
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
        ApprovalSignature.message(run: runID, step: step, decision: decision, approver: approver, planHash: planHash,
                                  comment: comment)
    }

    enum CodingKeys: String, CodingKey {
        case step, approver, decision, comment, at, signature
        case runID = "run_id"
        case planHash = "plan_hash"
    }
}
