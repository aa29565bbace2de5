/// A named set of hosts that patterns can select and that carries vars for
/// its members.
public struct InventoryGroup: Sendable, Hashable {
    public let name: String
    /// Every member host, including members of child groups, in inventory
    /// file order.
    public let hosts: [String]
    /// Child groups as written under `children`.
    let children: [String]
    /// The group's own vars (not merged; hosts carry the merged result).
    public let vars: [String: Value]
    /// Where the group is defined under `groups`, or, for a group that only
    /// hosts mention, the first mention.
    public let location: SourceLocation

    public init(
        name: String,
        hosts: [String],
        children: [String] = [],
        vars: [String: Value] = [:],
        location: SourceLocation
    ) {
        self.name = name
        self.hosts = hosts
        self.children = children
        self.vars = vars
        self.location = location
    }
}
