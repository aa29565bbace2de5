import WardenCore

extension ApprovalPolicy {
    /// The site policy for a command that may reach an approval gate: a policy
    /// that cannot be trusted or read is invalid input (exit 2), before anything runs.
    static func forCommand(_ runbook: Runbook) throws -> ApprovalPolicy {
        let gated = runbook.allSteps.contains { step in
            if case .approve = step.kind { return true }
            return false
        }
        guard gated else { return ApprovalPolicy() }
        do {
            return try ApprovalPolicy.site()
        } catch {
            throw InvalidInput(description: "the site's approval policy: \(error.description)")
        }
    }
}
