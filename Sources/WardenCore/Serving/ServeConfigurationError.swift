/// A serve config that cannot be used: every problem found, each with
/// file:line:column where it has a place, one per line.
public struct ServeConfigurationError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file cannot be read (missing, a folder, not UTF-8, too large).
        case unreadable
        /// It is read but is not a valid config, or names files and runbooks that are not valid.
        case invalid
    }

    public let kind: Kind
    public let problems: [LocatedError]

    public init(_ kind: Kind, _ problems: [LocatedError]) {
        self.kind = kind
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
