/// How a file came into a runbook: the runbook itself, an `include` step
/// (its steps run in place), or a `use:` entry (a rules file: its probes,
/// guards and watches join the runbook that uses it).
public enum ScopeOrigin: Sendable, Hashable {
    case runbook
    /// Included by the step with this id (without its scope prefix).
    case include(step: String)
    /// Used under this name (`use: [{file: ..., as: NAME}]`).
    case use(name: String)
    /// One host's copy of an `each:` group (the group's id, without its scope prefix).
    case each(group: String, host: String)

    /// The place, in messages: `include 'prepare'`, `use 'health'`.
    public var place: String {
        switch self {
        case .runbook: "the runbook"
        case let .include(step): "include '\(step)'"
        case let .use(name): "use '\(name)'"
        case let .each(group, host): "each '\(group)' on \(host)"
        }
    }

    /// Whether the file is a rules file (nothing to run by itself).
    public var isRules: Bool {
        if case .use = self { return true }
        return false
    }
}
