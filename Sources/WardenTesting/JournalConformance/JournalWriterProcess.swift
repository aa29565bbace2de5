/// A writer running a `JournalWriterJob` in another process.
public protocol JournalWriterProcess: Sendable {
    /// The sequences of the events it has appended so far, each reported
    /// only after its append returned (so it must be in the journal).
    func appended() async throws -> [Int]
    /// Ends it at once (SIGKILL), wherever it is.
    func kill() async
    /// Waits for it to end; throws when it failed (not when it was killed).
    func finish() async throws
}
