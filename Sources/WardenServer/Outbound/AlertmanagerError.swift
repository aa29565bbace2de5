/// Why a request to Alertmanager's API did not do what was asked. The description names the
/// Alertmanager (its base URL), what was being done, what happened and what to do; never a
/// token.
public struct AlertmanagerError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The configured base URL cannot be used.
        case invalidConfiguration
        /// No answer: cannot connect, TLS failed, timed out. Worth trying again later.
        case unreachable
        /// Alertmanager refused the request (4xx): bad matchers, times, an unknown silence ID.
        /// Sending it again will not help.
        case rejected
        /// Alertmanager failed (5xx) or answered something that is not its API.
        case failed
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
