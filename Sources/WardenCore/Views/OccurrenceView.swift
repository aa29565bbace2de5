import Foundation

/// One occurrence of a schedule as the API shows it to an approver or an
/// on-call engineer: when its window is (UTC and local), what it waits for or
/// how it ended, its run, and, when planned ahead, the plan with its hash, what
/// changed since the plan before, and each gate's terms and approvals.
public struct OccurrenceView: Sendable, Codable {
    /// One approval gate of the plan and where it stands.
    public struct Gate: Sendable, Codable {
        public var step: String
        public var quorum: Int
        public var approvers: [String]
        /// `approved`, `waiting` or `denied`.
        public var state: String
        public var approvedBy: [String]

        enum CodingKeys: String, CodingKey {
            case step, quorum, approvers, state
            case approvedBy = "approved_by"
        }
    }

    /// An approver's decision.
    public struct Decision: Sendable, Codable {
        public var by: String
        public var decision: String
        public var planHash: String?
        public var comment: String?
        public var at: Double

        enum CodingKeys: String, CodingKey {
            case by, decision, comment, at
            case planHash = "plan_hash"
        }
    }

    public var id: String
    public var schedule: String
    public var start: String
    public var local: String
    public var windowEnd: String
    /// `open` or `ended`.
    public var status: String
    public var held: String?
    public var outcome: String?
    public var outcomeKind: String?
    public var run: String?
    public var planHash: String?
    public var plan: Plan?
    public var changes: [String]
    public var gates: [Gate]
    public var decisions: [Decision]

    enum CodingKeys: String, CodingKey {
        case id, schedule, start, local, status, held, outcome, run, plan, changes, gates, decisions
        case windowEnd = "window_end"
        case outcomeKind = "outcome_kind"
        case planHash = "plan_hash"
    }

    public init(_ record: OccurrenceRecord, schedule: Schedule, policy: ApprovalPolicy, withPlan: Bool) {
        id = record.id
        self.schedule = record.schedule
        start = OccurrenceRecord.text(record.start)
        local = LocalTime.text(record.start, in: schedule.timeZone)
        windowEnd = OccurrenceRecord.text(record.start.addingTimeInterval(schedule.duration.timeInterval))
        status = record.isOpen ? "open" : "ended"
        held = record.held
        outcome = record.outcome?.description
        outcomeKind = record.outcome?.kind
        run = record.run
        planHash = record.planHash
        let content = record.plan
        plan = withPlan ? content?.plan : nil
        changes = content?.changes ?? []
        gates = record.gateStates(policy: policy, runbook: content?.plan.runbook ?? schedule.runbook).map { gate, state in
            let (name, by): (String, [String]) = switch state {
            case let .approved(by): ("approved", by)
            case let .waiting(by): ("waiting", by)
            case let .denied(by, _): ("denied", [by])
            }
            let terms = policy.tighten(gate.terms, runbook: content?.plan.runbook ?? schedule.runbook)
            return Gate(step: gate.step, quorum: terms.quorum, approvers: terms.approvers, state: name, approvedBy: by)
        }
        decisions = record.decisions.map {
            Decision(by: $0.actor, decision: $0.kind == .denied ? "deny" : "approve", planHash: $0.planHash, comment: $0.detail, at: $0.at)
        }
    }
}
