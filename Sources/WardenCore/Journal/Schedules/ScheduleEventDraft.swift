/// What a writer gives for a schedule event; its number and time are the journal's business.
public struct ScheduleEventDraft: Sendable, Hashable {
    public var schedule: String
    public var occurrence: Double?
    public var kind: ScheduleEventEntry.Kind
    public var actor: String
    public var run: String?
    public var planHash: String?
    public var detail: String?

    public init(schedule: String, occurrence: Double?, kind: ScheduleEventEntry.Kind, actor: String = "warden", run: String? = nil,
                planHash: String? = nil, detail: String? = nil) {
        self.schedule = schedule
        self.occurrence = occurrence
        self.kind = kind
        self.actor = actor
        self.run = run
        self.planHash = planHash
        self.detail = detail
    }
}
