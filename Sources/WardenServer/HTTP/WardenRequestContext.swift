import Foundation
import Hummingbird
import NIOCore
import WardenCore

/// What every request carries through the daemon's middleware and routes:
/// Hummingbird's core storage, the peer's address (to decide whether a proxy
/// header may be believed, and whom to slow down after failed attempts), and
/// the identity authentication found.
public struct WardenRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address; nil in-process (HummingbirdTesting's router mode).
    public let remoteAddress: String?
    /// Set by `AuthenticationMiddleware`; nil: not authenticated (only open routes see that).
    public var identity: Identity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
        identity = nil
    }

    /// Bodies are read by `JSONBody` with the configured limit, not by Hummingbird's decoder.
    public var maxUploadSize: Int { 64 << 20 }

    /// A path parameter as the client meant it: percent-decoded (Hummingbird leaves `%2F` as it
    /// came), so a lock named `pegasus/demo` can be named as `pegasus%2Fdemo`.
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// The identity, which must hold `permission`: 401 without one, 403 without the permission.
    func require(_ permission: Permission) throws(APIError) -> Identity {
        guard let identity else { throw APIError(.unauthorized, "authentication required: send Authorization: Bearer <token>") }
        guard identity.may(permission) else {
            let roles = identity.roles.map(\.rawValue).sorted().joined(separator: ", ")
            let granting = Role.allCases.filter { $0.permissions.contains(permission) }.map(\.rawValue).joined(separator: ", ")
            throw APIError(.forbidden, "\(identity.name) (roles: \(roles.isEmpty ? "none" : roles)) may not \(permission.rawValue); that needs one of: \(granting)")
        }
        return identity
    }
}
