/// Why an outbound HTTP request (to Alertmanager, to a webhook) got no usable answer.
///
/// The description names the method and `host:port` and what happened; never a header's value
/// (an `Authorization` token), a query string or a URL's user info, since these messages end up
/// in logs, the journal and API answers that more people read than the config holds the secret
/// for. The kind tells a caller what it may do: a request that `cannotConnect` never reached the
/// server and may be sent again; one that `timedOut` may have been acted on.
public struct OutboundError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The URL cannot be used: not http or https, no host, user info in it.
        case invalidURL
        /// The request cannot be sent as given: a body that does not encode as JSON, a header
        /// with a line break in it. Nothing was sent.
        case invalidRequest
        /// No connection: the name does not resolve, the port refuses, nothing answered the
        /// connect before the deadline. The request was not sent.
        case cannotConnect
        /// Connected, but the whole answer did not come before the deadline.
        case timedOut
        /// The TLS handshake failed: an untrusted or mismatched certificate, a bad CA file.
        case tls
        /// The server answered something that is not HTTP/1.1, or closed the connection
        /// before its answer ended.
        case badResponse
        /// The answer's body is larger than the request's limit.
        case tooLarge
        /// The task sending the request was cancelled.
        case cancelled
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
