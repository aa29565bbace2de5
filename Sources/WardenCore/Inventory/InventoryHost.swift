/// One host Warden can act on, with every setting already resolved: defaults
/// applied, paths absolute, authentication and host-key checking decided,
/// vars merged through its groups. Nothing downstream re-reads the inventory.
public struct InventoryHost: Sendable, Hashable {
    /// The inventory name, used in patterns and output.
    public let name: String
    /// What to connect to: the `address` key, else the name itself.
    public let address: String
    public let port: Int
    public let user: String
    /// In order: `agent: true` uses the agent; else an `identity_file` uses
    /// that key; else an agent if SSH_AUTH_SOCK is set and `agent` was not
    /// explicitly false; else `~/.ssh/id_ed25519`.
    public let auth: HostAuthentication
    /// Pinned when `host_key` is set, else the known_hosts file.
    public let hostKey: HostKeyCheck
    public let connectTimeout: Duration
    /// Every group the host belongs to, directly or through `children`, sorted.
    public let groups: [String]
    /// Merged vars: defaults, then groups (parents before children, then by
    /// name), then the host's own; later ones win, key by key.
    public let vars: [String: Value]
    /// `host_state_dir`: the folder on the host where Warden keeps its locks
    /// and deadmen; nil for the default (`/var/lib/warden` for root,
    /// `~/.local/state/warden` for anyone else). See `HostStateFolder`.
    public let stateFolder: String?
    /// Where the host is defined, for messages about it.
    public let location: SourceLocation
    /// `certificate`: the OpenSSH certificate for the identity file (`id_ed25519-cert.pub`), if any.
    public let certificate: String?
    /// `become`: who commands run as by default (a step's own `become` wins); nil: the login user.
    public let become: BecomeSpec?
    /// `jump`: the bastions the host is reached through; empty: directly.
    public internal(set) var jump: JumpChain

    public init(
        name: String,
        address: String,
        port: Int = 22,
        user: String,
        auth: HostAuthentication,
        hostKey: HostKeyCheck,
        connectTimeout: Duration = .seconds(10),
        groups: [String] = [],
        vars: [String: Value] = [:],
        stateFolder: String? = nil,
        location: SourceLocation,
        certificate: String? = nil,
        become: BecomeSpec? = nil,
        jump: JumpChain = JumpChain([])
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.auth = auth
        self.hostKey = hostKey
        self.connectTimeout = connectTimeout
        self.groups = groups
        self.vars = vars
        self.stateFolder = stateFolder
        self.location = location
        self.certificate = certificate
        self.become = become
        self.jump = jump
    }

    /// The same host reached directly: how a hop of a chain is connected to
    /// (the hops before it are the chain's, not its own).
    public var withoutJump: InventoryHost {
        var direct = self
        direct.jump = JumpChain([])
        return direct
    }
}
