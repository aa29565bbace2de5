/// Everything needed to reach and trust one host: where it is, who to log in
/// as, how to authenticate, and how its key is checked.
public struct SSHTarget: Sendable, Hashable {
    /// The name operators use for the host (an inventory name); it prefixes every message.
    public var name: String
    public var address: String
    public var port: Int
    public var user: String
    public var authentication: SSHAuthentication
    public var hostKeyPolicy: HostKeyPolicy
    /// Bounds TCP connect, key exchange and authentication together.
    public var connectTimeout: Duration
    /// The jump hosts the target is reached through, nearest to the controller
    /// first; each hop's own `jump` is ignored (the chain is written out here).
    public var jump: [SSHTarget] = []
    /// An OpenSSH certificate for the key file (`id_ed25519-cert.pub`), offered with the key.
    public var certificate: String?

    public init(
        name: String, address: String, port: Int = 22, user: String,
        authentication: SSHAuthentication, hostKeyPolicy: HostKeyPolicy,
        connectTimeout: Duration = .seconds(10)
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.authentication = authentication
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
    }

    /// `name (address:port)`, or just `address:port` when the name is the address.
    public var label: String {
        let endpoint = address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
        let via = jump.isEmpty ? "" : " via " + jump.map(\.name).joined(separator: ", ")
        return (name == address ? endpoint : "\(name) (\(endpoint))") + via
    }
}

/// How Warden proves who it is to a host.
public enum SSHAuthentication: Sendable, Hashable {
    /// A private key file. The passphrase, if any, is read from the environment
    /// variable named here, so that it never appears in argv, logs or files.
    case keyFile(path: String, passphraseEnvironmentVariable: String?)
    /// The keys held by ssh-agent; `socket` nil means `SSH_AUTH_SOCK`.
    case agent(socket: String?)
}

/// How a host's key is trusted. There is deliberately no "accept anything".
public enum HostKeyPolicy: Sendable, Hashable {
    /// Checked against an OpenSSH known_hosts file. Unknown hosts are refused
    /// unless `acceptNew` is set, in which case their key is recorded there.
    /// A changed key is always refused.
    case knownHosts(path: String, acceptNew: Bool)
    /// Checked against one pinned SHA-256 fingerprint (`SHA256:…`, as `ssh-keygen -lf` prints it).
    case pinned(fingerprint: String)
}
