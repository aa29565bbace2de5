/// A rules file a runbook uses (`use:`), as `warden validate` lists it:
/// where the guards and watches it adds come from.
public struct UsedRulesFile: Sendable, Hashable, Codable {
    /// The name it is used as (its probes are `<name>.<probe>` there).
    public let name: String
    /// Where the `use:` is when not in the runbook itself: `include 'gate'`.
    public let within: String?
    public let file: String
    public let guards: Int
    public let watches: Int
    public let probes: Int
}

extension Runbook {
    /// Every rules file used, in load order.
    public var usedRulesFiles: [UsedRulesFile] {
        scopes.compactMap { scope in
            guard case let .use(name) = scope.origin else { return nil }
            var places: [String] = []
            var current = scope.parent
            while let index = current, scopes.indices.contains(index), scopes[index].parent != nil {
                places.append(scopes[index].origin.place)
                current = scopes[index].parent
            }
            return UsedRulesFile(name: name, within: places.isEmpty ? nil : places.joined(separator: " in "), file: scope.file,
                                 guards: guards.filter { $0.scope == scope.index }.count,
                                 watches: watches.filter { $0.scope == scope.index }.count,
                                 probes: probes.filter { $0.scope == scope.index && !$0.name.isEmpty }.count)
        }
    }
}
