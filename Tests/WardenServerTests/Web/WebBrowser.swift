import Foundation
import HTTPTypes
import WardenTesting

/// A browser of the web UI in these tests: posts forms as a page of the daemon does (same
/// `Origin`), keeps the session cookie, and reads the CSRF token out of a page.
struct WebBrowser: Sendable {
    let api: API
    /// The router-mode test client's host, so `Origin` names the daemon itself.
    static let origin = "http://localhost"

    /// POST `uri` with form `fields`, as a same-origin page (`origin` nil: no Origin header).
    func postForm(_ uri: String, _ fields: [String: String], cookie: String? = nil, origin: String? = WebBrowser.origin,
                  extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let origin { headers[.origin] = origin }
        if let cookie { headers[.cookie] = "warden_session=\(cookie)" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await api.call(.post, uri, as: nil, body: body, headers: headers)
    }

    /// GET `uri` with the session cookie `cookie` and no token.
    func get(_ uri: String, cookie: String?) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = "warden_session=\(cookie)" }
        return try await api.get(uri, as: nil, headers: headers)
    }

    /// Signs in with `caller`'s token; the session cookie's value (fails unless signed in).
    func signIn(as caller: Caller) async throws -> String {
        let reply = try await postForm("/sign-in", ["token": api.tokens[caller] ?? ""])
        guard reply.code == 303, let cookie = Self.sessionCookie(reply) else { throw WardenTestFailure("sign-in as \(caller) failed: \(reply)") }
        return cookie
    }

    /// The value `Set-Cookie` gives `warden_session`, if any.
    static func sessionCookie(_ reply: Reply) -> String? {
        guard let header = reply[.setCookie], header.hasPrefix("warden_session=") else { return nil }
        let value = header.dropFirst("warden_session=".count).prefix { $0 != ";" }
        return value.isEmpty ? nil : String(value)
    }

    /// The CSRF token in a page's sign-out form.
    static func csrf(in page: Reply) throws -> String {
        let marker = #"name="csrf" value=""#
        guard let start = page.text.range(of: marker) else { throw WardenTestFailure("no CSRF field in the page: \(page)") }
        return String(page.text[start.upperBound...].prefix { $0 != "\"" })
    }
}
