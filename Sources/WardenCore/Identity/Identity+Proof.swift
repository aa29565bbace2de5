extension Identity {
    /// How the server came to believe an identity's name, recorded beside
    /// it so that a log line tells a token from a header a proxy vouched for.
    public enum Proof: Sendable, Hashable {
        /// A bearer token of the token file; `name` is the token's entry.
        case token(name: String)
        /// An identity header (such as `X-Forwarded-User`) from a peer in
        /// the trusted proxies; `proxy` is that peer's address.
        case proxyHeader(proxy: String)
        /// The operating-system user of a local connection (a Unix socket's peer credentials).
        case operatingSystemUser
    }
}
