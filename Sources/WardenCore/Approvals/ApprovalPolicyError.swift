/// A site approval policy that cannot be trusted or read: its message names
/// the file (with line and column for a mistake in it) and what to do.
public struct ApprovalPolicyError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
