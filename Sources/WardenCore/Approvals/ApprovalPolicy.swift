import Foundation

/// A site's rules for approvals, written by an administrator in a file the
/// initiator of a run cannot change (`/etc/warden/policy.yaml`, root's, not
/// writable by anyone else). A runbook is written by whoever runs it, so its
/// own approval terms (`quorum`, `approvers`, `allow_self_approval`) may only
/// tighten this policy, never loosen it.
///
/// ```yaml
/// approvals:
///   require_signatures: true                 # every approval signed with the approver's SSH key
///   allowed_signers: /etc/warden/allowed_signers   # OpenSSH format; principal = the approver's user name
///   min_quorum: 1                            # a gate needs at least this many, whatever the runbook says
///   self_approval: never                     # never, or runbook (the runbook's allow_self_approval decides)
///   approvers:                               # who may approve which runbooks (by name, * and ? match)
///     "pegasus-*": [alice, bob]
/// checkpoints:
///   required: true                           # every run signs the audit log's head when it starts, resumes and ends
///   allowed_signers: /etc/warden/controllers # OpenSSH format; principal = the user running warden (default: approvals')
/// ```
public struct ApprovalPolicy: Sendable, Equatable {
    /// Where it is read from unless `WARDEN_POLICY` names another file (which must pass the same checks).
    public static let defaultPath = "/etc/warden/policy.yaml"

    /// The file it came from; nil for the built-in policy (no file: the runbook decides, as before).
    public var file: String?
    public var requireSignatures = false
    public var allowedSigners: String?
    public var minimumQuorum = 1
    /// Every run must sign checkpoints (`Checkpoint`): `warden run` refuses to start without a
    /// signing key, and `warden audit verify` fails for a run not covered by one.
    public var requireCheckpoints = false
    /// The keys checkpoints are checked against, when not the approvals' `allowed_signers`.
    public var checkpointSigners: String?
    /// Where checkpoint signatures are checked: the checkpoints' own file, else the approvals'.
    public var checkpointAllowedSigners: String? { checkpointSigners ?? allowedSigners }
    public var selfApproval: SelfApproval = .runbook
    /// Runbook-name patterns and who may approve them, in file order; the first match applies.
    var approvers: [(pattern: String, glob: GlobPattern, names: [String])] = []

    public enum SelfApproval: String, Sendable, Equatable {
        /// The initiator never approves their own run.
        case never
        /// The runbook's `allow_self_approval` decides.
        case runbook
    }

    public init() {}

    public static func == (lhs: ApprovalPolicy, rhs: ApprovalPolicy) -> Bool {
        lhs.file == rhs.file && lhs.requireSignatures == rhs.requireSignatures && lhs.allowedSigners == rhs.allowedSigners
            && lhs.minimumQuorum == rhs.minimumQuorum && lhs.selfApproval == rhs.selfApproval
            && lhs.requireCheckpoints == rhs.requireCheckpoints && lhs.checkpointSigners == rhs.checkpointSigners
            && lhs.approvers.map(\.pattern) == rhs.approvers.map(\.pattern) && lhs.approvers.map(\.names) == rhs.approvers.map(\.names)
    }

    /// The terms a gate of `runbook` applies: the runbook's own, tightened by this policy.
    public func terms(for spec: ApprovalSpec, runbook: String, allowSelfApproval: Bool) -> ApprovalTerms {
        tighten(ApprovalTerms(quorum: spec.quorum, approvers: spec.approvers, allowSelfApproval: allowSelfApproval,
                              requireSignatures: false, allowedSigners: nil, timeout: spec.timeout, message: spec.message, policy: nil),
                runbook: runbook)
    }

    /// `terms` made no looser than this policy: the larger quorum, the approvers both allow,
    /// self-approval only if both allow it, signatures if either asks for them.
    public func tighten(_ terms: ApprovalTerms, runbook: String) -> ApprovalTerms {
        var tightened = terms
        if let site = approvers.first(where: { $0.glob.matches(runbook) })?.names {
            tightened.approvers = terms.approvers.isEmpty ? site : terms.approvers.filter(site.contains)
            // A runbook naming only people the site does not allow leaves nobody: the gate cannot pass.
            if tightened.approvers.isEmpty { tightened.approvers = [ApprovalTerms.nobody] }
        }
        tightened.quorum = max(terms.quorum, minimumQuorum)
        tightened.allowSelfApproval = terms.allowSelfApproval && selfApproval == .runbook
        if requireSignatures {
            tightened.requireSignatures = true
            tightened.allowedSigners = allowedSigners
        }
        if file != nil { tightened.policy = file }
        return tightened
    }
}

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
}
