/// Why `warden serve` did not start: a config, catalog or token file that does
/// not validate (exit 2), or a port or journal it cannot use (exit 1).
public struct ServeStartError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalidConfiguration
        case cannotStart
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
