import HTTPTypes
import Hummingbird

/// Whether a state-changing form post comes from one of this daemon's own
/// pages: its `Origin` names this host, or, when a browser sends no
/// `Origin`, `Sec-Fetch-Site` says same-origin. Anything else (another
/// site, `Origin: null` from a sandboxed frame, a client sending neither)
/// is refused: with `SameSite=Strict` and the CSRF token it is a third lock
/// on the door, and the only one sign-in has before a session exists.
enum SameOriginCheck {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// Nil when the request is same-origin; otherwise why not (for the 403 page and the log).
    static func problem(_ request: Request) -> String? {
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!]
        if let origin = request.headers[.origin] {
            guard let host, let named = Self.authority(ofOrigin: origin), named.lowercased() == host.lowercased() else {
                return "the form was posted from another origin"
            }
            return nil
        }
        guard request.headers[secFetchSite]?.lowercased() == "same-origin" else {
            return "the form post names no origin (neither Origin nor Sec-Fetch-Site: same-origin)"
        }
        return nil
    }

    /// `host[:port]` of an Origin such as `https://warden.example:8470`; nil for `null` or anything not http(s).
    static func authority(ofOrigin origin: String) -> String? {
        for scheme in ["http://", "https://"] where origin.lowercased().hasPrefix(scheme) {
            let rest = origin.dropFirst(scheme.count)
            guard !rest.isEmpty, !rest.contains("/") else { return nil }
            return String(rest)
        }
        return nil
    }
}
