/// Unrolls a runbook's `each:` groups once its targets are resolved: the
/// group's steps, copied for each host of its target in inventory order, with
/// ids `<group>[<host>].<step>`. Every copy is a scope of its own whose
/// parameters are the group's and whose `each` is its host; `on: each` steps
/// run on that host alone (a target of one host, `<target>[<host>]`).
///
/// Done in one place, when the engine context is made, so the planner, the
/// runner, the step preview and a resume walk the same steps, and the plan
/// (and its hash) shows exactly what will run on which host.
enum GroupExpansion {
    struct Result {
        var runbook: Runbook
        var targets: [String: [InventoryHost]]
        var parameters: ParameterBinding
    }

    static func expand(_ runbook: Runbook, targets: [String: [InventoryHost]], parameters: ParameterBinding) -> Result {
        guard runbook.steps.contains(where: { $0.group != nil }) else {
            return Result(runbook: runbook, targets: targets, parameters: parameters)
        }
        var expanded = runbook
        var targets = targets
        var values = parameters.values
        var steps: [Step] = []
        var index = 0
        let original = runbook.steps
        while index < original.count {
            guard let group = original[index].group else {
                steps.append(original[index])
                index += 1
                continue
            }
            // The loader keeps a group's steps together.
            var end = index
            while end < original.count, original[end].group == group { end += 1 }
            let members = original[index..<end]
            index = end
            let parentScope = members.first?.scope ?? 0
            let parent = expanded.scopes.indices.contains(parentScope) ? expanded.scopes[parentScope] : nil
            let hosts = targets[group.target] ?? []
            let local = String(group.id.dropFirst(parent?.prefix.count ?? 0))
            for (position, host) in hosts.enumerated() {
                let scopeIndex = expanded.scopes.count
                var scope = RunbookScope(
                    index: scopeIndex, prefix: parent?.prefix ?? "", file: parent?.file ?? runbook.file,
                    parameters: parent?.parameters ?? [], parent: parentScope, arguments: [:],
                    origin: .each(group: local, host: host.name), introducedAt: group.location, guardOwner: scopeIndex)
                scope.each = EachBinding(group: group.id, host: host, index: position + 1, count: hosts.count)
                expanded.scopes.append(scope)
                values[scopeIndex] = values[parentScope] ?? [:]
                let copyPrefix = "\(group.id)[\(host.name)]"
                let hostTarget = "\(group.target)[\(host.name)]"
                targets[hostTarget] = [host]
                for member in members {
                    var copy = member
                    copy.id = copyPrefix + member.id.dropFirst(group.id.count)
                    copy.scope = scopeIndex
                    if member.onEach { copy.target = hostTarget }
                    steps.append(copy)
                }
            }
        }
        expanded.steps = steps
        let binding = ParameterBinding(values: values, secrets: parameters.secrets, secretsByName: parameters.secretsByName)
        return Result(runbook: expanded, targets: targets, parameters: binding)
    }
}
