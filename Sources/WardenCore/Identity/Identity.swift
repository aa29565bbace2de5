/// Who is asking `warden serve` for something, and how the server knows:
/// the name the journal records as a run's initiator, an approver or a
/// canceller, the roles that say what it may do, and the proof it gave.
///
/// Built by the server after authentication: from a bearer token
/// (`TokenFile.identity(forToken:at:)`), from an identity header set by a
/// trusted proxy (`TrustedProxies`), or from the operating-system user of a
/// local connection. Nothing here checks a credential; it only answers
/// "may this identity do that?".
public struct Identity: Sendable, Hashable, CustomStringConvertible {
    /// The name the journal records: the token's name, the proxy-vouched user, or the OS user.
    public let name: String
    public let roles: Set<Role>
    public let proof: Proof

    public init(name: String, roles: Set<Role>, proof: Proof) {
        self.name = name
        self.roles = roles
        self.proof = proof
    }

    /// Whether any of the identity's roles grants `permission`. An identity
    /// without roles may nothing.
    public func may(_ permission: Permission) -> Bool {
        roles.contains { $0.permissions.contains(permission) }
    }

    /// The permissions of all its roles together.
    public var permissions: Set<Permission> {
        roles.reduce(into: []) { $0.formUnion($1.permissions) }
    }

    /// For logs and the journal: `alice (token)`, `bob (via proxy 10.0.0.5)`,
    /// `carol (operating-system user)`. Made visible: a name from a proxy
    /// header is text from outside and must not carry control characters
    /// into a log line or a terminal.
    public var description: String {
        let how: String
        switch proof {
        case .token(let token):
            how = token == name ? "token" : "token \(token)"
        case .proxyHeader(let proxy):
            how = "via proxy \(proxy)"
        case .operatingSystemUser:
            how = "operating-system user"
        }
        return VisibleText.line("\(name) (\(how))")
    }
}
