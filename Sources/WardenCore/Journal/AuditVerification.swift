/// Whether the journal can be trusted, as `warden audit verify` and the
/// daemon's `GET /api/v1/audit/verify` both tell it: the audit log's hash
/// chain and every table against it; then, against the site policy's allowed
/// signers, who signed each decision and each checkpoint with which key,
/// which are unsigned or forged, and which runs no signed checkpoint covers.
/// One judgement, two renderings.
public struct AuditVerification: Sendable {
    /// The audit log's newest record (nil: an empty log).
    public let last: AuditRecord?
    public let records: Int
    /// The first record that does not hold; nil: the chain and the tables are intact. When
    /// set, the signatures were not examined (nothing after the break can be trusted).
    public let broken: AuditBreak?
    /// Each decision's signature, when the policy names allowed signers (else empty).
    public let approvals: [ApprovalVerdict]
    /// The checkpoints, the tail after the newest, and the runs left uncovered.
    public let checkpoints: CheckpointReview?
    /// The policy judged against.
    public let policy: ApprovalPolicy

    public struct ApprovalVerdict: Sendable {
        public let approval: Approval
        public let verdict: Verdict

        public enum Verdict: Sendable, Equatable {
            case signed(key: String)
            case unsigned
            case doesNotVerify(reason: String)
        }
    }

    /// Decisions without a valid signature.
    public var badApprovals: Int { approvals.filter { if case .signed = $0.verdict { false } else { true } }.count }

    /// Whether the journal can be trusted: an intact chain, no bad signature where the policy
    /// requires them, and checkpoints that hold.
    public var holds: Bool {
        broken == nil && !(policy.requireSignatures && badApprovals > 0) && (checkpoints?.holds ?? true)
    }

    public static func verify(_ journal: Journal, policy: ApprovalPolicy) async throws(JournalError) -> AuditVerification {
        let records = try await journal.auditRecords()
        if let broken = try await journal.verifyAudit() {
            return AuditVerification(last: records.last, records: records.count, broken: broken, approvals: [], checkpoints: nil, policy: policy)
        }
        var approvals: [ApprovalVerdict] = []
        if let signers = policy.allowedSigners {
            for approval in try await journal.allApprovals() {
                guard let signature = approval.signature else {
                    approvals.append(ApprovalVerdict(approval: approval, verdict: .unsigned))
                    continue
                }
                do {
                    let key = try await ApprovalSignature.verify(approval.signedMessage, signature: signature, principal: approval.approver,
                                                                 allowedSigners: signers)
                    approvals.append(ApprovalVerdict(approval: approval, verdict: .signed(key: key)))
                } catch {
                    approvals.append(ApprovalVerdict(approval: approval, verdict: .doesNotVerify(reason: error.description)))
                }
            }
        }
        let review = try await CheckpointReview.review(journal, records: records, allowedSigners: policy.checkpointAllowedSigners,
                                                       required: policy.requireCheckpoints)
        return AuditVerification(last: records.last, records: records.count, broken: nil, approvals: approvals, checkpoints: review, policy: policy)
    }
}
