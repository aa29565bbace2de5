/// What a writer in another process does: appends `events` notes
/// (`child 1`, `child 2`...) to the run `runID` (which exists), one write
/// each, and every `lockEvery` events takes and releases the lock `lock`, so
/// its audit records interleave with the other writer's. It reports each
/// event's sequence once its append returned.
///
/// With `waitAfter`, it stops after that many events until another writer
/// has appended to the run (an event that is not its own), so the two
/// overlap however loaded the machine is, instead of one finishing before
/// the other starts.
public struct JournalWriterJob: Sendable {
    public let runID: String
    public let events: Int
    public let lock: String
    public let lockEvery: Int
    public let waitAfter: Int?

    public init(runID: String, events: Int, lock: String, lockEvery: Int = 10, waitAfter: Int? = nil) {
        self.runID = runID
        self.events = events
        self.lock = lock
        self.lockEvery = lockEvery
        self.waitAfter = waitAfter
    }
}
