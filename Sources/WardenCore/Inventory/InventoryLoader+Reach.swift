import Yams

/// Readers for how a host is reached and who commands run as there:
/// `become` and `jump`.
extension InventoryLoader {
    /// `become:` (see `BecomeReading`); no password here.
    mutating func become(_ node: Node) -> BecomeSetting? {
        let (setting, problems) = BecomeReading.read(node, passwordAllowed: false)
        for problem in problems { report(problem.message, at: problem.node, hint: problem.hint) }
        return setting
    }

    /// `jump: bastion`, `jump: [outer, inner]`, or `jump: none` (reached
    /// directly, overriding a default).
    mutating func jump(_ node: Node, context: String) -> [NameReference]? {
        if case let .scalar(scalar) = node, scalar.string == "none" { return [] }
        if YAMLNodeInspection.isNull(node) {
            report("jump must name a host, a list of hosts, or none", at: node)
            return nil
        }
        let chain = names(node, key: "jump", kind: "host", context: context)
        if chain.count > 8 {
            report("jump lists \(chain.count) hops; more than 8 is refused (each hop adds a handshake and a failure point)", at: node)
            return nil
        }
        return chain
    }
}
