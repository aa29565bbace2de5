/// The bastions a host is reached through, nearest to the controller first:
/// `jump: bastion` or `jump: [outer, inner]` in the inventory.
///
/// Each hop is a full inventory host, so its address, port, user, key and
/// known_hosts apply when connecting to it. A hop is connected to through
/// the hops before it in this chain, not through its own `jump:` (the chain
/// is written out whole where it is used, as OpenSSH's `-J a,b` is).
public struct JumpChain: Sendable, Hashable {
    public var hops: [InventoryHost]

    public init(_ hops: [InventoryHost]) {
        self.hops = hops
    }

    public var isEmpty: Bool { hops.isEmpty }

    /// `bastion` or `outer → inner`, for messages.
    public var description: String { hops.map(\.name).joined(separator: " → ") }
}
