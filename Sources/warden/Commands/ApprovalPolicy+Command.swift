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

    /// The same for a command that may reach `runbook`'s approval gates, before anything runs;
    /// the built-in policy when it has none.
    static func forCommand(_ runbook: Runbook) throws -> ApprovalPolicy {
        runbook.hasApprovalGate ? try forCommand() : ApprovalPolicy()
    }
}
