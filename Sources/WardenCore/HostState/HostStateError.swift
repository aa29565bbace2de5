/// Why Warden would not use, or could not reach, its state folder on a host
/// (see `HostStateFolder`). Its description names the host, the path and
/// what was found there.
public struct HostStateError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// A path another account could have created or changed: not trusted.
        case unsafe
        /// The login user cannot create the folder.
        case cannotCreate
        /// The host could not be reached, or the command did not run.
        case unreachable
        /// The host answered something the script never prints.
        case unexpectedAnswer
    }

    public let host: String
    public let kind: Kind
    /// What the host said, naming the path and what was found.
    public let message: String

    public init(host: String, kind: Kind, message: String) {
        self.host = host
        self.kind = kind
        self.message = message
    }

    public var description: String {
        switch kind {
        case .unsafe: "\(host): refused the host state folder: \(message)"
        case .cannotCreate: "\(host): \(message)"
        case .unreachable: "\(host): \(message)"
        case .unexpectedAnswer: "\(host): \(message)"
        }
    }
}
