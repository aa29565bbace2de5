/// Why an `alert_rules:` section does not load: every problem found, each
/// with its file:line:column (and a did-you-mean for a misspelt key).
public struct AlertRulesError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [LocatedError]

    public init(_ problems: [LocatedError]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
