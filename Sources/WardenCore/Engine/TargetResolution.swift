/// Resolves a runbook's targets against an inventory, checking each one's
/// cardinality, before anything runs. An empty selection is an error, never
/// "all hosts".
enum TargetResolution {
    /// Hosts per target name, in inventory order. Throws every problem at once.
    ///
    /// `limit` (`--limit PATTERN`, the inventory's pattern syntax) narrows
    /// every target to its hosts that the pattern also selects; it never adds
    /// one. A target's `exactly`/`at_least`/`at_most` describe the inventory
    /// the runbook was written for, so they are checked before the limit
    /// narrows it. A target the limit leaves without a host is an error naming
    /// the pattern: a step on it would otherwise quietly do nothing.
    static func resolve(
        _ runbook: Runbook, in inventory: Inventory, parameters: ParameterBinding, inventoryFile: String, limit: String? = nil
    ) throws(BindingErrors) -> [String: [InventoryHost]] {
        var result: [String: [InventoryHost]] = [:]
        var problems: [String] = []
        var allowed: Set<String>?
        if let limit {
            do {
                allowed = Set(try inventory.select(limit).map(\.name))
            } catch {
                throw BindingErrors(["--limit '\(limit)': \(error.description) in \(inventoryFile)"])
            }
        }
        for target in runbook.targets {
            let environment = ExpressionEnvironment(variables: ["params": .map(parameters.values[target.scope] ?? [:])])
            let pattern: String
            do {
                pattern = try target.pattern.renderText(in: environment)
            } catch {
                problems.append("\(target.location): target '\(target.name)': \(error.message)")
                continue
            }
            let hosts: [InventoryHost]
            do {
                hosts = try inventory.select(pattern)
            } catch {
                problems.append("\(target.location): target '\(target.name)' (hosts: \(pattern)): \(error.description) in \(inventoryFile)")
                continue
            }
            if let problem = target.cardinalityProblem(count: hosts.count) {
                let names = hosts.prefix(10).map(\.name).joined(separator: ", ") + (hosts.count > 10 ? ", ..." : "")
                problems.append("\(target.location): target '\(target.name)' (hosts: \(pattern)) \(problem): \(names)")
                continue
            }
            if let allowed, let limit {
                let narrowed = hosts.filter { allowed.contains($0.name) }
                guard !narrowed.isEmpty else {
                    let names = hosts.prefix(10).map(\.name).joined(separator: ", ") + (hosts.count > 10 ? ", ..." : "")
                    problems.append("\(target.location): --limit '\(limit)' selects none of the hosts of target '\(target.name)' (\(names)); "
                                    + "add one of them to the limit, or run without --limit")
                    continue
                }
                result[target.name] = narrowed
            } else {
                result[target.name] = hosts
            }
        }
        guard problems.isEmpty else { throw BindingErrors(problems) }
        return result
    }
}
