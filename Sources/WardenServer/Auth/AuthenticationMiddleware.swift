import Foundation
import HTTPTypes
import Hummingbird
import Logging
import WardenCore

/// Finds who is asking, before any route runs: a bearer token from the token
/// file, or a trusted reverse proxy's identity header, believed only when the
/// connection comes from one of the configured proxy addresses (from anywhere
/// else the header is ignored and logged: anyone can send it). A wrong token
/// is answered 401 at once and counted against the peer's address; too many
/// and the address's tokens are refused for a while (429). Routes
/// then ask `context.require(permission)`: 401 with no identity, 403 without
/// the permission.
///
/// Tokens travel only in the Authorization header, never in a URL, where
/// proxies and browsers log them.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = WardenRequestContext

    let state: DaemonState
    let attempts: FailedAttempts
    let clock: any EngineClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let peer = context.remoteAddress ?? "in-process"
        if let authorization = request.headers[.authorization] {
            // A locked-out address gets no more tries at tokens; without one it is any anonymous client
            // (a health checker behind the same address still reads /healthz).
            if await attempts.isLockedOut(peer) {
                throw APIError(.tooManyRequests, "too many failed authentications from \(peer); wait a minute", headers: [.retryAfter: "60"])
            }
            guard authorization.lowercased().hasPrefix("bearer "), case let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces),
                  let identity = await state.identity(forToken: token, at: clock.now) else {
                await attempts.recordFailure(peer)
                context.logger.warning("refused a request with an invalid token", metadata: ["peer": "\(peer)", "path": "\(VisibleText.line(request.uri.path))"])
                throw APIError(.unauthorized, "the bearer token is not valid (unknown, revoked or expired)")
            }
            await attempts.recordSuccess(peer)
            context.identity = identity
        } else if let identity = await proxyIdentity(request, peer: context.remoteAddress, logger: context.logger) {
            context.identity = identity
        }
        if let identity = context.identity {
            context.logger[metadataKey: "identity"] = "\(identity)"
        }
        return try await next(request, context)
    }

    /// The user a trusted proxy names, with the roles the config gives them; nil when there is no
    /// header, no proxy configured, the peer is not a proxy (logged), or the user has no roles.
    private func proxyIdentity(_ request: Request, peer: String?, logger: Logger) async -> Identity? {
        guard let trust = await state.configuration.proxy, let headerName = HTTPField.Name(trust.header),
              let user = request.headers[headerName] else { return nil }
        guard let peer, await state.proxies.contains(peer) else {
            logger.warning("ignored an identity header from a peer that is not a trusted proxy",
                           metadata: ["header": "\(trust.header)", "peer": "\(peer ?? "unknown")"])
            return nil
        }
        let name = user.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 128, name.allSatisfy({ !$0.isWhitespace && $0.isASCII && !$0.isNewline && $0 != "\u{7f}" && ($0.asciiValue ?? 0) >= 32 }),
              let roles = trust.users[name] ?? trust.users["*"] else {
            logger.warning("a trusted proxy named a user without roles", metadata: ["user": "\(VisibleText.line(name))"])
            return nil
        }
        return Identity(name: name, roles: Set(roles.compactMap(Role.init(rawValue:))), proof: .proxyHeader(proxy: peer))
    }
}
