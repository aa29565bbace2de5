import Foundation

/// Where a request goes, from its URL: what the client connects to and what it writes in the
/// request line. `endpoint` (`host:port`) is what errors name: never the query or user info.
struct OutboundTarget: Sendable {
    let isTLS: Bool
    let host: String
    let port: Int
    /// The path and query, as the request line carries them (`/` when the URL has none).
    let requestTarget: String

    /// `host:port`, brackets around an IPv6 address.
    var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The `Host` header: the port only when it is not the scheme's default.
    var hostHeader: String { port == (isTLS ? 443 : 80) ? endpointHost : endpoint }

    private var endpointHost: String { host.contains(":") ? "[\(host)]" : host }

    init(url text: String, method: String) throws(OutboundError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw OutboundError(.invalidURL, "\(method): the URL is not valid (\(Self.redacted(text))); write it as http://host:port/path or https://…")
        }
        guard scheme == "http" || scheme == "https" else {
            throw OutboundError(.invalidURL, "\(method): the URL's scheme is \(scheme); only http and https are supported")
        }
        guard let host = components.host, !host.isEmpty else {
            throw OutboundError(.invalidURL, "\(method): the URL has no host (\(Self.redacted(text)))")
        }
        // A password in the URL would end up in every log line that names the URL: refused.
        guard components.user == nil, components.password == nil else {
            throw OutboundError(.invalidURL, "\(method) \(host): the URL carries user info; remove it and configure a token instead")
        }
        let isTLS = scheme == "https"
        let port = components.port ?? (isTLS ? 443 : 80)
        guard (1...65_535).contains(port) else {
            throw OutboundError(.invalidURL, "\(method) \(host): port \(port) is out of range")
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.isTLS = isTLS
        // URLComponents keeps an IPv6 literal's brackets.
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = port
        requestTarget = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
    }

    /// The URL without its query and user info, for a message about a URL that did not parse.
    static func redacted(_ text: String) -> String {
        var text = text
        if let query = text.firstIndex(of: "?") { text = String(text[..<query]) + "?…" }
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            text = String(text[..<scheme.upperBound]) + "…@" + String(text[text.index(after: at)...])
        }
        return text
    }
}
