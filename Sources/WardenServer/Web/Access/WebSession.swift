import Foundation
import WardenCore

/// A browser's sign-in, kept on the server: the cookie carries only `id`, so
/// nothing a page's script or a proxy log could read proves who signed in
/// once the session is revoked or expired.
struct WebSession: Sendable {
    /// 256 random bits, base64url: the cookie's value.
    let id: String
    let identity: Identity
    /// The SHA-256 digest of the token signed in with (nil for a user a trusted proxy named): each page
    /// checks the token still holds, so revoking it ends the session too.
    let tokenDigest: [UInt8]?
    /// Every state-changing form sends it back (hidden field `csrf`): another
    /// site can make a browser send the cookie, but cannot read this.
    let csrf: String
    /// By the daemon's clock; a session is refused from then on.
    let expires: Date
}
