extension AuditRecord {
    /// What an audit record records. The raw values are what the journal
    /// stores (and what `warden audit export` prints): they are stable. An
    /// event's record has the event's kind as its action.
    public enum Action: Sendable, Hashable, RawRepresentable, Codable, CustomStringConvertible, CaseIterable {
        /// A run began: its row, plan hash (`status`) and plan digest.
        case runStarted
        /// A run ended: its status and reason.
        case runFinished
        /// A resume took the run over (`warden resume`).
        case runAdopted
        /// An approver's decision (its row is in the approvals table).
        case approval
        case lockTaken
        /// A lock taken from a holder that ended, died, or let its lease lapse.
        case lockTakenOver
        case lockReleased
        /// An operator removed a lock (`warden locks break`).
        case lockBroken
        /// A signed checkpoint of the log's head.
        case checkpoint
        /// An alert input journaled (`status` its kind, `digest` the entry's).
        case alertInput
        /// A decision about an alert input (`status` its kind, `summary` its text, `digest` the entry's).
        case alertDecision
        /// A schedule event journaled (`status` its kind, `summary` its schedule, occurrence and actor, `digest` the entry's).
        case scheduleEvent
        /// A journal event, its sequence in `event` and its hash in `digest`.
        case event(JournalEvent.Kind)

        public init?(rawValue: String) {
            switch rawValue {
            case "run-started": self = .runStarted
            case "run-finished": self = .runFinished
            case "run-adopted": self = .runAdopted
            case "approval": self = .approval
            case "lock-taken": self = .lockTaken
            case "lock-taken-over": self = .lockTakenOver
            case "lock-released": self = .lockReleased
            case "lock-broken": self = .lockBroken
            case "checkpoint": self = .checkpoint
            case "alert-input": self = .alertInput
            case "alert-decision": self = .alertDecision
            case "schedule-event": self = .scheduleEvent
            default:
                guard let kind = JournalEvent.Kind(rawValue: rawValue) else { return nil }
                self = .event(kind)
            }
        }

        public var rawValue: String {
            switch self {
            case .runStarted: "run-started"
            case .runFinished: "run-finished"
            case .runAdopted: "run-adopted"
            case .approval: "approval"
            case .lockTaken: "lock-taken"
            case .lockTakenOver: "lock-taken-over"
            case .lockReleased: "lock-released"
            case .lockBroken: "lock-broken"
            case .checkpoint: "checkpoint"
            case .alertInput: "alert-input"
            case .alertDecision: "alert-decision"
            case .scheduleEvent: "schedule-event"
            case let .event(kind): kind.rawValue
            }
        }

        public var description: String { rawValue }

        public static var allCases: [Action] {
            [.runStarted, .runFinished, .runAdopted, .approval, .lockTaken, .lockTakenOver, .lockReleased, .lockBroken, .checkpoint, .alertInput, .alertDecision,
             .scheduleEvent]
                + JournalEvent.Kind.allCases.map(Action.event)
        }
    }
}
