/// How a step ended on one host, as `steps.<id>.hosts.<name>` reads it
/// (`status`, `reason`): `ok`, `failed`, `skipped` (and the `when` that was
/// false), `not-run` (and why). The planner and the runner both record it.
public struct HostOutcomeNote: Sendable, Hashable {
    public let host: String
    public let status: StepStatus
    public let reason: String?

    public init(host: String, status: StepStatus, reason: String?) {
        self.host = host
        self.status = status
        self.reason = reason
    }
}

extension HostOutcomeNote {
    /// What a run's report says of each host.
    static func notes(_ reports: [HostReport]) -> [HostOutcomeNote] {
        reports.map { HostOutcomeNote(host: $0.host, status: $0.status, reason: $0.reason) }
    }

    /// What a plan decided for each host, in the words a run would use: a read
    /// the plan ran passed (`ok`) or failed; `when` was false (`skipped`).
    static func notes(_ planned: [PlannedHost]) -> [HostOutcomeNote] {
        planned.compactMap { host in
            switch host.status {
            case .passed: return HostOutcomeNote(host: host.host, status: .ok, reason: host.reason)
            case .failed: return HostOutcomeNote(host: host.host, status: .failed, reason: host.reason)
            case .skipped: return HostOutcomeNote(host: host.host, status: .skipped, reason: host.reason)
            case .willRun, .unknown, .notReached, .willHappen: return nil
            }
        }
    }
}
