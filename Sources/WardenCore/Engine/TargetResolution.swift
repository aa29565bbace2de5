/// Resolves a runbook's targets against an inventory, checking each one's
/// cardinality, before anything runs. An empty selection is an error, never
/// "all hosts".
public enum TargetResolution {
    /// Hosts per target name, in inventory order. Throws every problem at once.
    public static func resolve(
        _ runbook: Runbook, in inventory: Inventory, parameters: ParameterBinding, inventoryFile: String
    ) throws(BindingErrors) -> [String: [InventoryHost]] {
        var result: [String: [InventoryHost]] = [:]
        var problems: [String] = []
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
            result[target.name] = hosts
        }
        guard problems.isEmpty else { throw BindingErrors(problems) }
        return result
    }
}
