import Foundation
import Synchronization
import Testing
@testable import WardenCore
import WardenTesting

/// A state folder written by the Warden before the journal was typed and put
/// behind `JournalStore` (`Fixtures/journal-b676065`, whose README says how it
/// was made): today's code opens it, reads every event, verifies it, resumes
/// from it, and extends it.
@Suite("A journal written by the previous Warden")
struct JournalFixtureTests {
    static let runs = (
        cleared: "20261202-172404-daa6", blocked: "20261202-172404-a496", rebalanced: "20261202-172404-498a",
        denied: "20261202-172409-9f8d", rolledBack: "20261202-172409-a95b", killed: "20261202-172410-ce68"
    )

    /// The fixture's files, from the test bundle.
    private static func fixture(_ name: String) throws -> String {
        guard let base = Bundle.module.resourceURL else { throw FixtureError(message: "no resource folder in the test bundle") }
        return base.appendingPathComponent("Fixtures/journal-b676065/\(name)").path
    }

    /// A state folder holding a copy of the fixture's journal: opening one migrates and writes it.
    private func stateFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-fixture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try Self.fixture("journal.sqlite"), toPath: folder + "/" + Journal.fileName)
        return folder
    }

    @Test func everyRunAndEventReadsAsTheKindsAndStatusesItWasWrittenWith() async throws {
        let folder = try stateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try await Journal.open(directory: folder)
        let runs = try await journal.runs()
        let statuses = Dictionary(uniqueKeysWithValues: runs.map { ($0.id, $0.status) })
        #expect(statuses == [
            Self.runs.cleared: .ended(.succeeded), Self.runs.blocked: .ended(.blocked), Self.runs.rebalanced: .ended(.succeeded),
            Self.runs.denied: .ended(.blocked), Self.runs.rolledBack: .ended(.failed), Self.runs.killed: .running,
        ])
        var kinds: Set<JournalEvent.Kind> = []
        var stepStatuses: Set<StepStatus> = []
        for run in runs {
            let events = try await journal.events(of: run.id)
            #expect(events.map(\.sequence) == Array(1...events.count))
            kinds.formUnion(events.map(\.kind))
            stepStatuses.formUnion(events.compactMap(\.status))
        }
        // Every kind the previous Warden wrote, read back as this one's.
        #expect(kinds == Set(JournalEvent.Kind.allCases))
        #expect(stepStatuses == [.ok, .failed, .skipped])
        let decisions = try await journal.allApprovals().map(\.decision)
        #expect(decisions == [.approve, .deny])
        let phases = try await journal.checkpoints().map(\.phase)
        #expect(phases == [.started, .finished, .started, .finished])
        let actions = Set(try await journal.auditRecords().map(\.action))
        #expect(actions.isSuperset(of: [.runStarted, .runFinished, .approval, .lockTaken, .lockReleased, .lockBroken, .checkpoint]))
        #expect(try await journal.locks().isEmpty, "the killed run's lock was broken")
    }

    @Test func itsChainsHoldAndTodaysWritesExtendThem() async throws {
        let folder = try stateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try await Journal.open(directory: folder)
        #expect(try await journal.verifyAudit() == nil)
        for run in try await journal.runs() {
            #expect(try await journal.verify(run: run.id) == nil, "run \(run.id)")
        }
        // What a resume of the killed run writes first, then how it ends.
        let before = try await journal.events(of: Self.runs.killed)
        let appended = try await journal.append(.init(runID: Self.runs.killed, kind: .note, detail: "resumed by today's Warden"))
        #expect(appended.sequence == before.count + 1)
        #expect(appended.previousHash == before.last?.hash)
        try await journal.adopt(run: Self.runs.killed, controller: "bastion:1")
        try await journal.finish(run: Self.runs.killed, status: .abandoned, reason: "fixed by hand")
        let broken = try await journal.verifyAudit()
        #expect(broken == nil, "\(String(describing: broken))")
        #expect(try await journal.run(Self.runs.killed)?.status == .ended(.abandoned))
    }

    @Test func aResumeStateIsRebuiltFromTheRunWhoseControllerWasKilled() async throws {
        let folder = try stateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try await Journal.open(directory: folder)
        let run = try #require(try await journal.run(Self.runs.killed))
        let context = try resumeContext(for: run)
        let state = ResumeState.rebuild(from: try await journal.events(of: run.id), context: context)
        #expect(state.finishedSteps == ["ready"])
        // The change's intents were journaled on every host, its outcomes never were.
        #expect(state.unknowns.map(\.host) == ["h01", "h02", "h03"])
        #expect(state.unknowns.allSatisfy { $0.step == "change" && $0.mutating && $0.processGroup != nil })
        #expect(state.unknowns.first?.command?.hasPrefix("sleep 60; touch /tmp/fixture-") == true)
        #expect(state.pendingCleanup(of: context.runbook) == ["tidy"])
    }

    /// The killed run carried to its end by today's engine: a controller takes the run over (as a
    /// daemon takes over a run whose controller is gone: `Journal.adopt` at the epoch it read),
    /// and `RunResumption` rebuilds it from the old events, runs the change whose outcome was
    /// never journaled once more (`assume: not-done`: it has no `verify`), skips the step that
    /// finished, runs the pending cleanup, and ends the run, all in chains that still verify.
    @Test func theKilledRunIsResumedToItsEndByTodaysEngine() async throws {
        let folder = try stateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try await Journal.open(directory: folder)
        let run = try #require(try await journal.run(Self.runs.killed))
        // The run names its runbook by the path it was started with; a resume reads it there.
        let source = URL(fileURLWithPath: run.file)
        let folders = [source.deletingLastPathComponent(), source.deletingLastPathComponent().deletingLastPathComponent()]
        let made = folders.filter { !FileManager.default.fileExists(atPath: $0.path) }
        try FileManager.default.createDirectory(at: folders[0], withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: source.path)
        try FileManager.default.copyItem(atPath: try Self.fixture("interrupted.yaml"), toPath: source.path)
        defer {
            try? FileManager.default.removeItem(atPath: source.path)
            for folder in made { try? FileManager.default.removeItem(at: folder) }
        }
        let marker = "fixture-19512"
        #expect(run.parameters == #"{"marker":"\#(marker)"}"#)

        let clock = TestClock()
        let hosts = InMemoryTransport(clock: clock)
        hosts.on(.prefix("sleep 60; touch /tmp/\(marker)-")) { command, host in
            host.files[String(command.line.dropFirst("sleep 60; touch ".count))] = .text("")
            return .success("")
        }
        hosts.on(.prefix("rm -f /tmp/\(marker)-")) { command, host in
            host.files[String(command.line.dropFirst("rm -f ".count))] = nil
            return .success("")
        }
        let controller = "resumer:\(getpid())"
        let fence = try await journal.adopt(run: run.id, controller: controller, expecting: run.epoch,
                                            reason: "its controller \(run.controller) is gone", at: clock.now)
        var resumption = RunResumption(journal: journal, transport: hosts, stateFolder: folder,
                                       identity: RunIdentity(user: "carol", controller: controller), environment: [:], clock: clock)
        resumption.hold = RunLease(fence: fence, journal: journal, clock: clock, since: clock.instant)
        let resumer = resumption
        let inventory = try Self.fixture("inventory.yaml")
        let asked = Mutex<[String]>([])
        let task = Task { () async throws -> RunReport in
            try await resumer.resume(ResumeRequest(runID: run.id, inventory: inventory, assume: .notDone)) { question throws(RunSessionError) in
                asked.withLock { $0.append(question) }
                return true
            }
        }
        let report = try await Self.awaitWithoutMovingTheClock(task)

        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(asked.withLock { $0.count } == 1)
        for host in ["h01", "h02", "h03"] {
            let sent = hosts.commands(receivedBy: host).filter { $0.contains("/tmp/\(marker)-") }
            // The finished check is not run again; the change runs once, then its cleanup.
            #expect(sent == ["sleep 60; touch /tmp/\(marker)-\(host)", "rm -f /tmp/\(marker)-\(host)"], "\(host): \(sent)")
            #expect(!hosts.commands(receivedBy: host).contains("true"), "\(host)")
            #expect(hosts.state(of: host).files["/tmp/\(marker)-\(host)"] == nil, "\(host): the cleanup ran")
        }
        let ended = try #require(try await journal.run(run.id))
        #expect(ended.status == .ended(.succeeded))
        #expect(ended.controller == controller)
        let events = try await journal.events(of: run.id)
        let notes = events.filter { $0.kind == .note }.compactMap(\.detail)
        #expect(notes.contains { $0.hasPrefix("resumed by carol") && $0.contains("not-done") }, "\(notes)")
        // Today's events extend the old chain: numbered on, each naming the one before.
        #expect(events.map(\.sequence) == Array(1...events.count))
        #expect(try await journal.verify(run: run.id) == nil)
        let broken = try await journal.verifyAudit()
        #expect(broken == nil, "\(String(describing: broken))")
        #expect(try await journal.locks().isEmpty, "the resumed run released the lock it took again")
    }

    /// The task's result. Nothing in this resume waits on the clock (no deadman, no timeout
    /// reached, leftovers already gone), so the test clock stands still: moved while SQLite
    /// writes on its own threads, it would outrun the run's lease. A minute of real time is
    /// only the limit past which the test fails instead of hanging.
    private static func awaitWithoutMovingTheClock<T: Sendable>(_ task: Task<T, any Error>) async throws -> T {
        let limit = Task {
            try await Task.sleep(for: .seconds(60))
            task.cancel()
        }
        defer { limit.cancel() }
        return try await task.value
    }

    /// What `warden resume` builds (through `RunInputs`, as `RunResumption` does): the runbook the
    /// run ran, its journaled parameters, the inventory's hosts.
    private func resumeContext(for run: JournalRun) throws -> EngineContext {
        let parameters = run.parameters
        return try RunInputs(runbook: try Self.fixture("interrupted.yaml"), inventory: try Self.fixture("inventory.yaml"), environment: [:])
            .load { book in ParameterBinding.restored(from: parameters, runbook: book) }.context
    }
}
