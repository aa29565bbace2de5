/// A failure talking to one host, typed so that callers can react to the
/// class of failure, and worded so that an operator knows what to do.
///
/// Every message names the host (its inventory name and address), what
/// happened, and the next step.
public struct SSHError: Error, Sendable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Sendable, Codable {
        /// The TCP connection or the SSH handshake failed (refused, no route, protocol error).
        case unreachable
        /// No answer within the connect timeout.
        case connectTimeout
        /// The host's key is in neither the known_hosts file nor the inventory.
        case hostKeyUnknown
        /// The host offered a key other than the one recorded: possibly an attack.
        case hostKeyChanged
        /// The server refused every credential offered.
        case authFailed
        /// The remote command ran past its deadline; it was killed.
        case commandTimedOut
        /// The remote command was cancelled by the caller; it was killed.
        case cancelled
        /// A channel could not be opened, or the session died while a command ran.
        case channelFailure
        /// A file transfer failed.
        case transferFailed
        /// A file was not fetched because of what it is: a link, not a regular
        /// file, over the size cap, or changed while it was read.
        case transferRefused
        /// A file transfer ran past its deadline; it was stopped and nothing was kept.
        case transferTimedOut
        /// The connection settings themselves are unusable (missing key file, no agent).
        case invalidConfiguration
        /// Not sent: the caller's deadline for sending it (`ExecRequest.sendBefore`) had passed.
        case notSent
        /// sudo refused to run the command as the `become` user (no rule, or a
        /// password needed and none given, or a wrong one): nothing ran.
        case becomeRefused
    }

    public let kind: Kind
    /// The host as an operator knows it, e.g. `meta-1 (10.0.0.5:22)`.
    public let host: String
    /// What happened.
    public let detail: String
    /// What the operator can do about it.
    let remedy: String
    /// Output captured before a timeout or cancellation, if any.
    public let partialResult: ExecResult?

    public init(_ kind: Kind, host: String, detail: String, remedy: String, partialResult: ExecResult? = nil) {
        self.kind = kind
        self.host = host
        self.detail = detail
        self.remedy = remedy
        self.partialResult = partialResult
    }

    /// `host: kind: detail. remedy`
    public var description: String {
        "\(host): \(kind.phrase): \(detail). \(remedy)"
    }
}

extension SSHError.Kind {
    /// How the kind reads in a sentence.
    public var phrase: String {
        switch self {
        case .unreachable: "unreachable"
        case .connectTimeout: "connect timeout"
        case .hostKeyUnknown: "host key unknown"
        case .hostKeyChanged: "HOST KEY CHANGED"
        case .authFailed: "authentication failed"
        case .commandTimedOut: "command timed out"
        case .cancelled: "cancelled"
        case .channelFailure: "channel failure"
        case .transferFailed: "transfer failed"
        case .transferRefused: "transfer refused"
        case .transferTimedOut: "transfer timed out"
        case .invalidConfiguration: "invalid connection settings"
        case .notSent: "not sent"
        case .becomeRefused: "sudo refused"
        }
    }
}
