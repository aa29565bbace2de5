import Yams

/// `each:` — a group of steps run once per host of a target, one host after
/// the other (`StepGroup`).
extension RunbookLoader {
    mutating func readEach(_ node: Node, id: String, keys: [String: YAMLMapping.Entry], at stepNode: Node) -> [Step] {
        guard let name = identifier(node, kind: "target name") else { return [] }
        guard let list = keys["steps"] else {
            report("each group '\(id)' needs 'steps': what to do on each host of '\(name)', one host after the other", at: stepNode,
                   hint: "e.g. steps: [{id: stop, on: each, run: ...}]")
            return []
        }
        let group = StepGroup(id: scopePrefix + id, target: scopePrefix + name, location: location(of: stepNode), targetLocation: location(of: node))
        self.group = group
        defer { self.group = nil }
        let members = readSteps(list.value, cleanup: false)
        if members.isEmpty, case .sequence = list.value {
            report("each group '\(id)' has no steps", at: list.value)
        }
        return members
    }
}
