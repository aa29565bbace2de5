import Foundation

/// One entry of `schedules:` in the serve config: a maintenance window that
/// opens by itself, on a cron line or an RRULE in an IANA zone, and runs a
/// runbook of the catalog inside it. The window (`duration` from each
/// occurrence's start) becomes the run's window, so the runbook's cleanup
/// reserve and `timeout: window` keep working as they do at a terminal.
public struct Schedule: Sendable {
    public var id: String
    public var runbook: String
    public var inventory: String
    /// Parameter values as written (text), converted to the runbook's types and checked at load.
    public var params: [String: String]
    /// The cron line or RRULE as written.
    public var expressionText: String
    public var expression: ScheduleExpression
    public var timeZone: TimeZone
    /// The zone as written (Foundation may report another name for it).
    public var timeZoneName: String
    /// The window's length from each occurrence's nominal start.
    public var duration: Duration
    public var overlap: ScheduleOverlap
    /// How late a missed (or held) occurrence may still start; nil: the window less the runbook's cleanup reserve.
    public var catchup: Duration?
    /// Plan this long before each occurrence and collect its approvals then; nil: a gate waits at run time.
    public var approveAhead: Duration?
    public var enabled: Bool
    /// Who asks for its runs: the initiator approvers may not be (`schedule:ID` unless the config names a person).
    public var owner: String
    /// This schedule's own blackouts; the config's global ones apply too.
    public var blackouts: [ScheduleBlackout]
    public var location: SourceLocation?

    public init(id: String, runbook: String, inventory: String, params: [String: String] = [:], expressionText: String,
                expression: ScheduleExpression, timeZone: TimeZone, timeZoneName: String, duration: Duration,
                overlap: ScheduleOverlap = .skip, catchup: Duration? = nil, approveAhead: Duration? = nil, enabled: Bool = true,
                owner: String? = nil, blackouts: [ScheduleBlackout] = [], location: SourceLocation? = nil) {
        self.id = id
        self.runbook = runbook
        self.inventory = inventory
        self.params = params
        self.expressionText = expressionText
        self.expression = expression
        self.timeZone = timeZone
        self.timeZoneName = timeZoneName
        self.duration = duration
        self.overlap = overlap
        self.catchup = catchup
        self.approveAhead = approveAhead
        self.enabled = enabled
        self.owner = owner ?? "schedule:\(id)"
        self.blackouts = blackouts
        self.location = location
    }

    /// The blackout, its own or one of `global`, whose days hold `start` in its zone; nil when none does.
    public func blackout(covering start: Date, among global: [ScheduleBlackout]) -> ScheduleBlackout? {
        (blackouts + global).first { $0.covers(start, in: timeZone) }
    }

    /// Its occurrences, in its zone.
    public var occurrences: ScheduleOccurrences { ScheduleOccurrences(expression, in: timeZone) }
}
