/// What an OpenSSH client config says about one alias, for the options
/// Warden honours: each single-valued option is the first value found for it
/// (nil when none is), file lists gather every matching value in order.
/// Tokens and a leading `~/` are already expanded.
public struct SSHConfigHostSettings: Sendable, Hashable {
    /// `HostName`, with `%h` replaced by the alias; nil when not stated.
    public var hostName: String?
    /// `User`; nil when not stated.
    public var user: String?
    /// `Port`, 1–65535; nil when not stated.
    public var port: Int?
    /// Every matching `IdentityFile`, in file order.
    public var identityFiles: [String]
    /// Every matching `CertificateFile`, in file order.
    public var certificateFiles: [String]
    /// `ProxyJump`: nil when not stated, empty for `ProxyJump none`.
    public var proxyJump: [SSHConfigJump]?
    /// Options of the matching blocks that Warden does not obey, and every
    /// `Match` block (whose conditions Warden does not evaluate), in file order.
    public var warnings: [SSHConfigWarning]

    public init(hostName: String? = nil, user: String? = nil, port: Int? = nil, identityFiles: [String] = [],
                certificateFiles: [String] = [], proxyJump: [SSHConfigJump]? = nil, warnings: [SSHConfigWarning] = []) {
        self.hostName = hostName
        self.user = user
        self.port = port
        self.identityFiles = identityFiles
        self.certificateFiles = certificateFiles
        self.proxyJump = proxyJump
        self.warnings = warnings
    }
}
