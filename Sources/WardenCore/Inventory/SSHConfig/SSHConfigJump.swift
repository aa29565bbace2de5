/// One hop of an OpenSSH `ProxyJump` list, `[user@]host[:port]`, as written:
/// the host is not itself looked up in the config here.
public struct SSHConfigJump: Sendable, Hashable, CustomStringConvertible {
    /// nil when the hop does not name one (ssh then uses the jump host's own config).
    public let user: String?
    /// A name or address; an IPv6 address without its brackets.
    public let host: String
    /// nil when the hop does not name one.
    public let port: Int?

    public init(user: String? = nil, host: String, port: Int? = nil) {
        self.user = user
        self.host = host
        self.port = port
    }

    /// Back in ProxyJump's form, IPv6 addresses bracketed when a port follows.
    public var description: String {
        let userPart = user.map { "\($0)@" } ?? ""
        guard let port else { return userPart + host }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(userPart)\(hostPart):\(port)"
    }
}
