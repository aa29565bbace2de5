import WardenCore

extension ApprovalPolicy {
    /// The site's policy for a command: one that cannot be trusted or read is invalid input (exit 2).
    static func forCommand() throws -> ApprovalPolicy {
        do {
            return try ApprovalPolicy.site()
        } catch {
            throw InvalidInput(description: "the site's approval policy: \(error.description)")
        }
    }
}
