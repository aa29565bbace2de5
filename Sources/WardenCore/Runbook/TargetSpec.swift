/// A named set of hosts a runbook acts on: an inventory host pattern and how
/// many hosts it must select, so that a typo in the inventory cannot turn a
/// one-host change into a fleet-wide one.
public struct TargetSpec: Sendable {
    /// With the scope prefix for targets of included runbooks.
    public let name: String
    public let location: SourceLocation
    /// An inventory pattern (`pegasus:!meta-2`), rendered from a template so
    /// a parameter can name the hosts.
    public let pattern: Template
    public let exactly: Int?
    let atLeast: Int?
    let atMost: Int?
    let scope: Int

    /// Why `count` selected hosts break the constraints, or nil when they do not.
    func cardinalityProblem(count: Int) -> String? {
        if let exactly, count != exactly {
            return "must select exactly \(exactly) host\(exactly == 1 ? "" : "s"), but selects \(count)"
        }
        if let atLeast, count < atLeast {
            return "must select at least \(atLeast) host\(atLeast == 1 ? "" : "s"), but selects \(count)"
        }
        if let atMost, count > atMost {
            return "must select at most \(atMost) host\(atMost == 1 ? "" : "s"), but selects \(count)"
        }
        return nil
    }
}
