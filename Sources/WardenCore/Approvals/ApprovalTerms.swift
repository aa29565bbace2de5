import Foundation

/// What a gate asks for once the site policy has had its say: the terms the
/// gate journals, `warden approve` and the gate both apply (one reading, in
/// `decide`), and the approver is shown.
public struct ApprovalTerms: Sendable, Codable, Equatable {
    /// A name no user has: the approvers list when the runbook's and the site's do not meet.
    static let nobody = "(nobody: the runbook's approvers are not among the site's)"

    public var quorum: Int
    public var approvers: [String]
    public var allowSelfApproval: Bool
    public var requireSignatures: Bool
    public var allowedSigners: String?
    public var timeout: Duration
    public var message: String?
    /// The policy file they came from, if any.
    public var policy: String?

    enum CodingKeys: String, CodingKey {
        case quorum, approvers, message, policy
        case allowSelfApproval = "allow_self_approval"
        case requireSignatures = "require_signatures"
        case allowedSigners = "allowed_signers"
        case timeoutSeconds = "timeout_seconds"
    }

    public init(quorum: Int, approvers: [String], allowSelfApproval: Bool, requireSignatures: Bool, allowedSigners: String?,
                timeout: Duration, message: String?, policy: String?) {
        self.quorum = quorum
        self.approvers = approvers
        self.allowSelfApproval = allowSelfApproval
        self.requireSignatures = requireSignatures
        self.allowedSigners = allowedSigners
        self.timeout = timeout
        self.message = message
        self.policy = policy
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        quorum = try container.decodeIfPresent(Int.self, forKey: .quorum) ?? 1
        approvers = try container.decodeIfPresent([String].self, forKey: .approvers) ?? []
        allowSelfApproval = try container.decodeIfPresent(Bool.self, forKey: .allowSelfApproval) ?? false
        requireSignatures = try container.decodeIfPresent(Bool.self, forKey: .requireSignatures) ?? false
        allowedSigners = try container.decodeIfPresent(String.self, forKey: .allowedSigners)
        timeout = .seconds(try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? 0)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        policy = try container.decodeIfPresent(String.self, forKey: .policy)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(quorum, forKey: .quorum)
        try container.encode(approvers, forKey: .approvers)
        try container.encode(allowSelfApproval, forKey: .allowSelfApproval)
        try container.encode(requireSignatures, forKey: .requireSignatures)
        try container.encodeIfPresent(allowedSigners, forKey: .allowedSigners)
        try container.encode(timeout.milliseconds / 1000, forKey: .timeoutSeconds)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encodeIfPresent(policy, forKey: .policy)
    }

    /// Why `person` may not decide a gate under these terms (nil: they may).
    public func refusal(of person: String, initiator: String, decision: Approval.Decision) -> String? {
        if person == initiator, !allowSelfApproval, decision == .approve {
            return "you (\(person)) started this run; another person must approve it"
        }
        if !approvers.isEmpty, !approvers.contains(person), !(person == initiator && decision == .deny) {
            return "\(person) may not \(decision.rawValue) this gate; its approvers are \(approvers.joined(separator: ", "))"
        }
        return nil
    }

    /// The gate's state under these terms: any allowed denial blocks; approvals count once per
    /// person, only for the plan hash given, never the initiator's unless the terms allow it,
    /// and only from the terms' approvers when they name any. The caller passes only decisions
    /// it trusts (signed, when the terms require signatures).
    public func state(of approvals: [Approval], planHash: String, initiator: String) -> GateState {
        var approvedBy: [String] = []
        for approval in approvals where approval.planHash == planHash {
            if refusal(of: approval.approver, initiator: initiator, decision: approval.decision) != nil { continue }
            if approval.decision == .deny { return .denied(by: approval.approver, comment: approval.comment) }
            if !approvedBy.contains(approval.approver) { approvedBy.append(approval.approver) }
        }
        return approvedBy.count >= quorum ? .approved(by: approvedBy) : .waiting(approvedBy: approvedBy)
    }
}
