/// A failure to get a command run or a file fetched on a host, as opposed
/// to a command that ran and failed. Its message names the host, what
/// happened and what to do.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// The class of failure, so that policies (retry, abort, count as failed) can differ.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case unreachable
        case connectTimeout = "connect_timeout"
        case hostKeyUnknown = "host_key_unknown"
        case hostKeyChanged = "host_key_changed"
        case authFailed = "auth_failed"
        case commandTimedOut = "command_timed_out"
        case cancelled
        case channelFailure = "channel_failure"
        case transferFailed = "transfer_failed"
        /// Not fetched because of what the remote file is: a symbolic link,
        /// not a regular file, over the size cap, or changed while it was read.
        case transferRefused = "transfer_refused"
        /// A fetch ran past its step's timeout; it was stopped and nothing was kept.
        case transferTimedOut = "transfer_timed_out"
        case invalidConfiguration = "invalid_configuration"
        /// Not sent: this controller no longer holds the run (another controller adopted it after
        /// its lease lapsed), or cannot confirm that it still does (`FencedTransport`).
        case notSent = "not_sent"
        /// sudo refused to run the command as the step's `become` user: nothing ran.
        case becomeRefused = "become_refused"
    }

    public var kind: Kind
    /// The host's inventory name.
    public var host: String
    /// The whole sentence for the operator.
    public var message: String
    /// What a timed-out or cancelled command printed before it was killed.
    public var partialResult: CommandResult?

    public init(kind: Kind, host: String, message: String, partialResult: CommandResult? = nil) {
        self.kind = kind
        self.host = host
        self.message = message
        self.partialResult = partialResult
    }

    public var description: String { message }
}
