import Foundation

/// One schedule as the API and `warden schedules` show it: what it runs and
/// when, its next occurrences in its zone and in UTC (with DST and blackout
/// notes), whether it is paused, how its last occurrence ended, and what
/// waits for a person now.
public struct ScheduleView: Sendable, Codable {
    /// One upcoming occurrence.
    public struct Upcoming: Sendable, Codable {
        public var start: String
        public var local: String
        public var ambiguous: Bool
        public var shiftedByGap: Bool
        /// The blackout it falls in, if any: it will be skipped.
        public var blackout: String?
        /// How it ended already, when it was started early (run-now) or ended otherwise before its time.
        public var outcome: String?

        enum CodingKeys: String, CodingKey {
            case start, local, ambiguous, blackout, outcome
            case shiftedByGap = "shifted_by_gap"
        }
    }

    public var id: String
    public var runbook: String
    public var inventory: String
    public var expression: String
    public var timezone: String
    public var durationSeconds: Double
    public var overlap: String
    public var catchupSeconds: Double
    public var approveAheadSeconds: Double?
    public var enabled: Bool
    public var owner: String
    public var paused: Paused?
    public var next: [Upcoming]
    /// The latest occurrence that ended.
    public var last: OccurrenceView?
    /// Occurrences still open (planned ahead, held, or running their start).
    public var open: [OccurrenceView]

    /// Who paused it, why, when.
    public struct Paused: Sendable, Codable {
        public var by: String
        public var reason: String
        public var at: Double
    }

    enum CodingKeys: String, CodingKey {
        case id, runbook, inventory, expression, timezone, overlap, enabled, owner, paused, next, last, open
        case durationSeconds = "duration_seconds"
        case catchupSeconds = "catchup_seconds"
        case approveAheadSeconds = "approve_ahead_seconds"
    }

    public init(_ schedule: Schedule, book: ScheduleBook, blackouts: [ScheduleBlackout], now: Date, policy: ApprovalPolicy, count: Int = 5) {
        id = schedule.id
        runbook = schedule.runbook
        inventory = schedule.inventory
        expression = schedule.expressionText
        timezone = schedule.timeZoneName
        durationSeconds = schedule.duration.timeInterval
        overlap = schedule.overlap.rawValue
        catchupSeconds = (schedule.catchup ?? schedule.duration).timeInterval
        approveAheadSeconds = schedule.approveAhead?.timeInterval
        enabled = schedule.enabled
        owner = schedule.owner
        paused = book.pauses[schedule.id].map { Paused(by: $0.by, reason: $0.reason, at: $0.at.timeIntervalSince1970) }
        next = schedule.occurrences.next(count, after: now).map { occurrence in
            Upcoming(start: OccurrenceRecord.text(occurrence.start), local: LocalTime.text(occurrence.start, in: schedule.timeZone),
                     ambiguous: occurrence.ambiguous, shiftedByGap: occurrence.shiftedByGap,
                     blackout: schedule.blackout(covering: occurrence.start, among: blackouts)?.name,
                     outcome: book.occurrence(schedule.id, at: occurrence.start)?.outcome?.description)
        }
        last = book.lastEnded(of: schedule.id).map { OccurrenceView($0, schedule: schedule, policy: policy, withPlan: false) }
        open = book.openOccurrences(of: schedule.id).map { OccurrenceView($0, schedule: schedule, policy: policy, withPlan: false) }
    }
}
