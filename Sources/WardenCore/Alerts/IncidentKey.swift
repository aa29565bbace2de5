/// What makes two alerts one incident under a rule: the rule id and the values
/// of the rule's incident labels (`node-down{cluster="pegasus-a"}`). Built from
/// rule config, not from Alertmanager's groupKey, so editing the routing tree
/// cannot make a running incident look new.
public struct IncidentKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rule: String
    /// Label names and values, in the rule's order.
    public let labels: [Pair]
    /// Whether this is the scope of an escalation (its incident runs the escalated runbook).
    public let escalated: Bool

    public struct Pair: Sendable, Hashable {
        public let name: String
        public let value: String
    }

    public init(rule: String, labels: [(String, String)], escalated: Bool = false) {
        self.rule = rule
        self.labels = labels.map { Pair(name: $0.0, value: $0.1) }
        self.escalated = escalated
    }

    public var description: String {
        let inner = labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
        return "\(rule)\(escalated ? "/escalated" : ""){\(inner)}"
    }

    public static func < (lhs: IncidentKey, rhs: IncidentKey) -> Bool { lhs.description < rhs.description }
}
