/// Which runs to list, and one page of them: newest first, filtered by what a
/// person looking for a run knows (its status, runbook, trigger, initiator),
/// continuing after a cursor. Stores answer it with an index, so a journal of
/// ten thousand runs lists as fast as one of ten.
public struct RunQuery: Sendable, Hashable {
    public var status: JournalRun.Status?
    public var runbook: String?
    public var trigger: RunTrigger?
    public var initiator: String?
    /// Only runs listed after this one (newest first): the last run of the previous page.
    public var after: Cursor?
    /// At most this many (1...`maximumLimit`).
    public var limit: Int

    public static let maximumLimit = 500

    /// Where a page ended: the start time and id of its last run (ids break ties).
    public struct Cursor: Sendable, Hashable {
        public var startedAt: Double
        public var id: String

        public init(startedAt: Double, id: String) {
            self.startedAt = startedAt
            self.id = id
        }

        public init(after run: JournalRun) {
            self.init(startedAt: run.startedAt, id: run.id)
        }

        /// Whether `run` comes after the cursor, newest first.
        func precedes(_ run: JournalRun) -> Bool {
            run.startedAt < startedAt || (run.startedAt == startedAt && run.id < id)
        }
    }

    public init(status: JournalRun.Status? = nil, runbook: String? = nil, trigger: RunTrigger? = nil, initiator: String? = nil,
                after: Cursor? = nil, limit: Int = 50) {
        self.status = status
        self.runbook = runbook
        self.trigger = trigger
        self.initiator = initiator
        self.after = after
        self.limit = min(max(limit, 1), RunQuery.maximumLimit)
    }

    /// Whether `run` passes the filters (not the cursor or the limit).
    public func matches(_ run: JournalRun) -> Bool {
        (status == nil || run.status == status) && (runbook == nil || run.runbook == runbook)
            && (trigger == nil || run.trigger == trigger) && (initiator == nil || run.initiator == initiator)
    }
}
