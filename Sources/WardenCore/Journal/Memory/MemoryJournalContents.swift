/// Everything a `MemoryJournalStore` holds, as plain values: what its
/// reads see and its writes change, and what a test changes behind the
/// journal's back (`MemoryJournalStore.tamper`), as someone editing a
/// database would.
public struct MemoryJournalContents: Sendable {
    /// In the order they began.
    public var runs: [JournalRun] = []
    /// Per run, in the order appended.
    public var events: [String: [JournalEvent]] = [:]
    /// In the order recorded.
    public var approvals: [Approval] = []
    /// By name.
    public var locks: [String: RunLock] = [:]
    /// In the order recorded.
    public var checkpoints: [Checkpoint] = []
    /// In the order appended.
    public var audit: [AuditRecord] = []
    /// In the order appended.
    public var alertInputs: [AlertInputEntry] = []
    /// In the order appended.
    public var alertDecisions: [AlertDecisionEntry] = []
    /// In the order appended.
    public var scheduleEvents: [ScheduleEventEntry] = []
    /// By id.
    public var controllers: [String: ControllerRecord] = [:]
    /// By id.
    public var workItems: [String: WorkItem] = [:]

    public init() {}
}
