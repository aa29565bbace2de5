import Foundation
import Yams

extension ApprovalPolicy {
    /// The site's policy: the file `WARDEN_POLICY` names, else `/etc/warden/policy.yaml`, else
    /// (no such file) the built-in one. The file is trusted only if nobody but root or the
    /// current user can change it or a folder above it: the policy binds the people who run
    /// Warden, so a file they could have written themselves would bind nobody.
    public static func site(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ApprovalPolicyError) -> ApprovalPolicy {
        let named = environment["WARDEN_POLICY"].flatMap { $0.isEmpty ? nil : $0 }
        let path = named ?? defaultPath
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if named != nil { throw ApprovalPolicyError(.unreadable, "WARDEN_POLICY names \(path), which cannot be read: \(String(cString: strerror(errno)))") }
            return ApprovalPolicy()
        }
        try checkOwnership(path)
        let text: String
        do {
            text = try SourceText.read(path, kind: "policy")
        } catch {
            throw ApprovalPolicyError(.unreadable, error.description)
        }
        return try parse(text, file: path)
    }

    /// The file and every folder above it must be root's (or, for a folder, the current
    /// user's own as well only when that user is root) and writable by nobody else.
    static func checkOwnership(_ path: String) throws(ApprovalPolicyError) {
        var current = path
        while true {
            var info = stat()
            guard lstat(current, &info) == 0 else {
                throw ApprovalPolicyError(.unreadable, "cannot examine \(current) (on the way to the policy \(path)): \(String(cString: strerror(errno)))")
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                throw ApprovalPolicyError(.untrusted, "\(current) is a symbolic link: the approval policy \(path) must be reached without one (point WARDEN_POLICY at the real file)")
            }
            if info.st_uid != 0 {
                throw ApprovalPolicyError(.untrusted, "\(current) belongs to uid \(info.st_uid), not root: an approval policy (\(path)) that a user of Warden could have written binds nobody; have an administrator own it (chown root)")
            }
            let sticky = info.st_mode & S_ISVTX != 0 && current != path
            if info.st_mode & 0o022 != 0, !sticky {
                throw ApprovalPolicyError(.untrusted, "\(current) is writable by group or others (mode \(String(info.st_mode & 0o7777, radix: 8))): the approval policy \(path) could be changed by those it binds; chmod go-w it")
            }
            if current == "/" { return }
            current = (current as NSString).deletingLastPathComponent
            if current.isEmpty { current = "/" }
        }
    }

    /// Reads a policy document; every problem is reported with file:line:column.
    static func parse(_ text: String, file: String) throws(ApprovalPolicyError) -> ApprovalPolicy {
        var policy = ApprovalPolicy()
        policy.file = file
        var problems: [LocatedError] = []
        let root: Node?
        do {
            root = try YAMLDocument.compose(text, file: file)
        } catch {
            throw ApprovalPolicyError(.invalid, error.description)
        }
        func at(_ node: Node) -> SourceLocation { YAMLDocument.location(of: node, file: file) }
        guard let root, case .mapping = root else {
            throw ApprovalPolicyError(.invalid, "\(file): a policy is a mapping with an 'approvals' and a 'checkpoints' section")
        }
        let top = YAMLMapping.entries(of: root, context: "in the policy", file: file)
        problems += top.problems
        for entry in top.entries {
            if entry.name == "checkpoints" {
                problems += parseCheckpoints(entry.value, into: &policy, file: file)
                continue
            }
            guard entry.name == "approvals" else {
                problems.append(LocatedError("unknown key '\(entry.name)' in the policy", at: at(entry.key),
                                             hint: NameSuggestion.hint(for: entry.name, among: ["approvals", "checkpoints"])))
                continue
            }
            guard case .mapping = entry.value else {
                problems.append(LocatedError("'approvals' must be a mapping, got \(YAMLNodeInspection.describe(entry.value))", at: at(entry.value)))
                continue
            }
            let fields = YAMLMapping.entries(of: entry.value, context: "in approvals", file: file)
            problems += fields.problems
            for field in fields.entries {
                let value = field.value
                switch field.name {
                case "require_signatures":
                    if let flag = flag(value, named: "require_signatures", file: file, problems: &problems) { policy.requireSignatures = flag }
                case "allowed_signers":
                    if let path = absolutePath(value, named: "allowed_signers", file: file, problems: &problems) { policy.allowedSigners = path }
                case "min_quorum":
                    if let number = YAMLNodeInspection.integer(value, in: 1...100) { policy.minimumQuorum = number } else {
                        problems.append(LocatedError("min_quorum must be an integer 1...100, got \(YAMLNodeInspection.describe(value))", at: at(value)))
                    }
                case "self_approval":
                    if case let .scalar(scalar) = value, let choice = SelfApproval(rawValue: scalar.string) { policy.selfApproval = choice } else {
                        problems.append(LocatedError("self_approval must be 'never' or 'runbook', got \(YAMLNodeInspection.describe(value))", at: at(value)))
                    }
                case "approvers":
                    let lists = YAMLMapping.entries(of: value, context: "in approvers", file: file)
                    problems += lists.problems
                    if case .mapping = value {} else {
                        problems.append(LocatedError("approvers must map runbook-name patterns to lists of user names", at: at(value)))
                    }
                    for list in lists.entries {
                        let glob: GlobPattern
                        do {
                            glob = try GlobPattern(list.name)
                        } catch {
                            problems.append(LocatedError("runbook pattern '\(list.name)' \(error.message)", at: at(list.key)))
                            continue
                        }
                        guard case let .sequence(items) = list.value, !items.isEmpty,
                              items.allSatisfy({ if case .scalar = $0 { return true } else { return false } }) else {
                            problems.append(LocatedError("the approvers of '\(list.name)' must be a non-empty list of user names", at: at(list.value)))
                            continue
                        }
                        policy.approvers.append((list.name, glob, items.compactMap { $0.scalar?.string }))
                    }
                default:
                    problems.append(LocatedError(
                        "unknown key '\(field.name)' in approvals", at: at(field.key),
                        hint: NameSuggestion.hint(for: field.name, among: ["require_signatures", "allowed_signers", "min_quorum", "self_approval", "approvers"])))
                }
            }
        }
        if policy.requireSignatures, policy.allowedSigners == nil {
            problems.append(LocatedError("require_signatures needs allowed_signers: the file of keys approvals are checked against",
                                         at: SourceLocation(file: file, line: 1, column: 1)))
        }
        if policy.requireCheckpoints, policy.checkpointSigners == nil, policy.allowedSigners == nil {
            problems.append(LocatedError("checkpoints: required needs allowed_signers (in checkpoints or approvals): the file of keys checkpoints are checked against",
                                         at: SourceLocation(file: file, line: 1, column: 1)))
        }
        guard problems.isEmpty else {
            throw ApprovalPolicyError(.invalid, problems.map(\.description).joined(separator: "\n"))
        }
        if let signers = policy.allowedSigners { try checkOwnership(signers) }
        if let signers = policy.checkpointSigners, signers != policy.allowedSigners { try checkOwnership(signers) }
        return policy
    }

    /// The `checkpoints` section: whether every run must sign checkpoints of the audit log, and
    /// the keys they are checked against (the approvals' allowed signers when not given).
    private static func parseCheckpoints(_ node: Node, into policy: inout ApprovalPolicy, file: String) -> [LocatedError] {
        func at(_ node: Node) -> SourceLocation { YAMLDocument.location(of: node, file: file) }
        guard case .mapping = node else {
            return [LocatedError("'checkpoints' must be a mapping, got \(YAMLNodeInspection.describe(node))", at: at(node))]
        }
        let fields = YAMLMapping.entries(of: node, context: "in checkpoints", file: file)
        var problems = fields.problems
        for field in fields.entries {
            let value = field.value
            switch field.name {
            case "required":
                if let flag = flag(value, named: "required", file: file, problems: &problems) { policy.requireCheckpoints = flag }
            case "allowed_signers":
                if let path = absolutePath(value, named: "allowed_signers", file: file, problems: &problems) { policy.checkpointSigners = path }
            default:
                problems.append(LocatedError("unknown key '\(field.name)' in checkpoints", at: at(field.key),
                                             hint: NameSuggestion.hint(for: field.name, among: ["required", "allowed_signers"])))
            }
        }
        return problems
    }

    /// A true/false setting, or nil with the problem recorded.
    private static func flag(_ node: Node, named name: String, file: String, problems: inout [LocatedError]) -> Bool? {
        if let flag = YAMLNodeInspection.bool(node) { return flag }
        problems.append(LocatedError("\(name) must be true or false, got \(YAMLNodeInspection.describe(node))",
                                     at: YAMLDocument.location(of: node, file: file)))
        return nil
    }

    /// An absolute path setting (a file an administrator names), or nil with the problem recorded.
    private static func absolutePath(_ node: Node, named name: String, file: String, problems: inout [LocatedError]) -> String? {
        if case let .scalar(scalar) = node, scalar.string.hasPrefix("/") { return scalar.string }
        problems.append(LocatedError("\(name) must be an absolute path, got \(YAMLNodeInspection.describe(node))",
                                     at: YAMLDocument.location(of: node, file: file)))
        return nil
    }
}
