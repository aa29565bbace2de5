import Foundation
import WardenCore

/// The web UI's signed-in browsers, in memory: a session lasts `lifetime` by
/// the daemon's clock, ends at sign-out, and is forgotten when the daemon
/// restarts (browsers sign in again; nothing on disk to steal).
///
/// Memory is bounded: at most `capacity` sessions; expired ones are dropped
/// first, then the one that expires soonest, so a script signing in over and
/// over costs a fixed amount of memory.
actor WebSessions {
    nonisolated let lifetime: TimeInterval
    nonisolated let capacity: Int
    private var sessions: [String: WebSession] = [:]

    init(lifetime: TimeInterval = 8 * 3600, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// A new session for `identity`, expiring `lifetime` after `now`.
    func create(for identity: Identity, token: String? = nil, now: Date) -> WebSession {
        if sessions.count >= capacity {
            sessions = sessions.filter { $0.value.expires > now }
            while sessions.count >= capacity, let soonest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
                sessions[soonest.key] = nil
            }
        }
        let session = WebSession(id: Self.randomToken(), identity: identity, tokenDigest: token.map(TokenFile.digest(of:)), csrf: Self.randomToken(),
                                 expires: now.addingTimeInterval(lifetime))
        sessions[session.id] = session
        return session
    }

    /// The live session with `id`; nil when unknown, revoked or expired (an expired one is dropped).
    func session(_ id: String, now: Date) -> WebSession? {
        guard let session = sessions[id] else { return nil }
        guard session.expires > now else {
            sessions[id] = nil
            return nil
        }
        return session
    }

    /// Session `id` with the roles its token has now (an admin may have changed them).
    func refresh(_ id: String, identity: Identity) -> WebSession? {
        guard let session = sessions[id] else { return nil }
        let updated = WebSession(id: session.id, identity: identity, tokenDigest: session.tokenDigest, csrf: session.csrf, expires: session.expires)
        sessions[id] = updated
        return updated
    }

    /// Ends session `id` (sign-out): its cookie no longer signs anyone in.
    func revoke(_ id: String) {
        sessions[id] = nil
    }

    /// 256 bits from the system's cryptographic generator, base64url without padding (cookie- and form-safe).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
