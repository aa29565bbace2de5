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
    static let defaultPath = "/etc/warden/policy.yaml"

    /// The file it came from; nil for the built-in policy (no file: the runbook decides, as before).
    public var file: String?
    public var requireSignatures = false
    public var allowedSigners: String?
    var minimumQuorum = 1
    /// Every run must sign checkpoints (`Checkpoint`): `warden run` refuses to start without a
    /// signing key, and `warden audit verify` fails for a run not covered by one.
    public var requireCheckpoints = false
    /// The keys checkpoints are checked against, when not the approvals' `allowed_signers`.
    var checkpointSigners: String?
    /// Where checkpoint signatures are checked: the checkpoints' own file, else the approvals'.
    public var checkpointAllowedSigners: String? { checkpointSigners ?? allowedSigners }
    var selfApproval: SelfApproval = .runbook
    /// Runbook-name patterns and who may approve them, in file order; the first match applies.
    var approvers: [(pattern: String, glob: GlobPattern, names: [String])] = []

    enum SelfApproval: String, Sendable, Equatable {
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
