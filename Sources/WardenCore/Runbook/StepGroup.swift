/// An `each:` group: steps that run once per host of a target, one host after
/// the other, as a rolling restart needs (drain a server, restart it, wait for
/// it, restore it, then the next).
///
/// The loader keeps the group's steps in place with ids `<group>.<step>`; the
/// engine unrolls them per host once the targets are resolved
/// (`GroupExpansion`), so the planner, the runner, a resume and the plan hash
/// all see the same steps: `<group>[<host>].<step>`, in host order.
public struct StepGroup: Sendable, Hashable {
    /// The group step's id, with its scope prefix.
    public let id: String
    /// The target whose hosts the group goes through (full name), in inventory order.
    public let target: String
    /// Where the group step is written.
    let location: SourceLocation
    /// Where `each:` names the target.
    let targetLocation: SourceLocation
}
