import Foundation

/// Writes a run's progress to its journal as it happens: a step starting,
/// the intent to run a command on a host (durable before the command leaves
/// the controller), the outcome, a step finishing. A run whose journal cannot
/// be written stops starting new work: an unrecorded change is one nobody
/// can resume.
///
/// Writes are grouped (`GroupCommit`): intents, deadmen and notes are
/// durable when their call returns; step starts, outcomes, process groups and
/// step ends are kept for the next of those, or written within
/// `flushInterval`, so a step on many hosts costs one transaction, not one
/// per host. `flush()` makes everything durable (the runner calls it before
/// a run ends and before a step that waits on people or time).
public struct RunRecorder: Sendable {
    public let journal: Journal
    public let runID: String
    let redactor: Redactor
    /// What the events' times are read from: the run's clock.
    let clock: any EngineClock

    private let writes: GroupCommit

    /// How long a buffered event waits for a commit to ride along with before it is written on
    /// its own: what a controller killed in the middle of a long step can lose at most (an outcome
    /// whose intent a resume then verifies).
    public static let flushInterval: Duration = .milliseconds(200)
    /// Buffered events written without waiting for the interval (a step on a thousand hosts).
    static let flushCount = 256

    /// `fence`: the controller's hold on the run; every event is kept only while it holds (`RunFence`).
    /// `flushClock` times `flushInterval`: the system's, also when `clock` is a test's, so that the
    /// interval's timer is never one of the sleepers a test waits for; a test of the interval
    /// itself gives a clock of its own.
    public init(journal: Journal, runID: String, redactor: Redactor, clock: any EngineClock = SystemClock(), fence: RunFence? = nil,
                flushClock: any EngineClock = SystemClock()) {
        self.journal = journal
        self.runID = runID
        self.redactor = redactor
        self.clock = clock
        writes = GroupCommit(journal: journal, fence: fence, clock: flushClock, interval: Self.flushInterval, limit: Self.flushCount)
    }

    /// Everything recorded so far, durable when this returns.
    public func flush() async throws(JournalError) {
        try await writes.flush()
    }

    func stepStarted(_ step: Step) {
        writes.buffer([.init(runID: runID, kind: .stepStarted, step: step.id,
                             detail: step.isMutating ? "mutating" : step.kind.keyword, at: clock.now)])
    }

    /// The intents of a batch of hosts, in one durable write. `runAs`: the
    /// effective user when it is not the login user (`become`), journaled
    /// as the intent's detail (`as pegasus via sudo`).
    func intents(_ step: Step, _ batch: [(host: String, command: String)], runAs: [String: BecomeSpec] = [:]) async throws(JournalError) {
        try await writes.commit(batch.map {
            .init(runID: runID, kind: .intent, step: step.id, host: $0.host, command: redactor.redact($0.command),
                  detail: runAs[$0.host].map { "as \($0.description)" }, at: clock.now)
        })
    }

    /// The outcome with what later steps read (`result`, `stdout`, `stderr`,
    /// `exit`), redacted, so a resumed run sees what the first one saw;
    /// `undo` for an undo command a rollback ran.
    func outcome(_ step: Step, report: HostReport, record: HostRecord?, kind: JournalEvent.Kind = .outcome) {
        var detail: [String: Value] = [:]
        if let reason = report.reason { detail["reason"] = .string(reason) }
        if let record {
            detail["record"] = redactor.redact(record.value)
        }
        writes.buffer([.init(
            runID: runID, kind: kind, step: step.id, host: report.host, command: report.command, status: report.status,
            exit: report.exit, detail: detail.isEmpty ? nil : Value.map(detail).jsonText(pretty: false), at: clock.now)])
    }

    /// The process group a change runs in on its host (`process-group`),
    /// so that a resume can tell whether it still runs.
    func processGroup(_ step: Step, host: String, _ group: RemoteProcessGroup) {
        let fields: [String: Value] = ["pgid": .int(Int(group.id)), "start": group.startTime.map { .string($0) } ?? .null]
        writes.buffer([.init(runID: runID, kind: .processGroup, step: step.id, host: host,
                             detail: Value.map(fields).jsonText(pretty: false), at: clock.now)])
    }

    func stepFinished(_ report: StepReport) {
        writes.buffer([.init(runID: runID, kind: .stepFinished, step: report.id, status: report.status,
                             detail: redactor.redact(report.summary), at: clock.now)])
    }

    /// A deadman armed (`deadman-armed`) or settled (`deadman-disarmed`,
    /// `deadman-left-armed`), so a resumed run knows which to disarm.
    func deadman(_ deadman: Deadman, kind: JournalEvent.Kind, detail: String? = nil) async throws(JournalError) {
        let fields: [String: Value] = ["path": .string(deadman.path), "fires_at": .double(deadman.firesAt),
                                       "detail": detail.map { .string(redactor.redact($0)) } ?? .null]
        try await writes.commit([.init(runID: runID, kind: kind, step: deadman.step, host: deadman.host,
                                       detail: Value.map(fields).jsonText(pretty: false), at: clock.now)])
    }

    func note(_ text: String, step: String? = nil) async throws(JournalError) {
        try await writes.commit([.init(runID: runID, kind: .note, step: step, detail: redactor.redact(text), at: clock.now)])
    }
}
