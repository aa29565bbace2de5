import Foundation
import Synchronization
import Testing
@testable import WardenCore
import WardenTesting

/// The whole life of a run as the CLI and the daemon drive it (`RunSession`,
/// `PendingApproval`, `RunResumption`), with nothing real but the files it is
/// given: hosts in memory, a journal in memory, time on a test clock. The
/// runbook holds a lock on the cluster (in the journal and on its host), waits
/// at an approval gate, changes the meta level under a watch, pauses, and
/// always sets it back in `finally`.
@Suite("Run lifecycle, in memory")
struct RunLifecycleTests {
    static let runbook = """
        name: lifecycle
        targets:
          meta: {hosts: meta1, exactly: 1}
        lock: {name: cluster, on: meta}
        probes:
          health: {on: meta, run: health, parse: json}
        watch: {every: 5s, probe: health, abort_if: "result.ok == false", message: the cluster turned unhealthy}
        steps:
          - id: go
            approve: {quorum: 1, timeout: 30m}
          - id: lively
            on: meta
            run: set_meta_level lively
            unguarded: the test's own cluster
          - id: settle
            pause: 1m
        finally:
          - id: steady
            on: meta
            run: set_meta_level steady
            unguarded: the test's own cluster
        """

    static let inventory = """
        hosts:
          meta1: {address: 127.0.0.1, agent: true, host_key: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}
        """

    /// A controller that is gone: this machine, a process that does not exist.
    static let deadController = "\(ProcessInfo.processInfo.hostName):\(Int32.max - 7)"

    /// The runbook and inventory in a fresh folder.
    struct Files {
        let folder: String
        var runbook: String { folder + "/lifecycle.yaml" }
        var inventory: String { folder + "/inventory.yaml" }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-lifecycle-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try RunLifecycleTests.runbook.write(toFile: folder + "/lifecycle.yaml", atomically: false, encoding: .utf8)
            try RunLifecycleTests.inventory.write(toFile: folder + "/inventory.yaml", atomically: false, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// What the run told its caller, as lines.
    final class Notices: RunDelegate {
        let lines = Mutex<[String]>([])
        func notice(_ notice: RunNotice) {
            lines.withLock { $0.append("\(notice)") }
        }
    }

    /// Moves the clock a second at a time until `task` is done (at most `limit` of simulated time).
    static func drive<T: Sendable>(_ clock: TestClock, until task: Task<T, any Error>, limit: Duration = .seconds(3600)) async throws -> T {
        let done = Mutex(false)
        let watcher = Task {
            _ = await task.result
            done.withLock { $0 = true }
        }
        var elapsed = Duration.zero
        while !done.withLock({ $0 }), elapsed < limit {
            for _ in 0..<50 { await Task.yield() }
            clock.advance(by: .seconds(1))
            elapsed += .seconds(1)
        }
        await watcher.value
        return try await task.value
    }

    /// Waits (by yielding, not by time) until the journal holds an event `matching`.
    /// Without `run`, the newest run's (nil until the run is journaled).
    static func awaitEvent(_ journal: Journal, run: String? = nil, _ matching: (JournalEvent) -> Bool) async throws -> JournalEvent {
        for _ in 0..<200_000 {
            let id: String? = if let run { run } else { try await journal.runs().first?.id }
            if let id, let event = try await journal.events(of: id).first(where: matching) { return event }
            await Task.yield()
        }
        throw WardenTestFailure("the journal never held the event waited for")
    }

    /// Starts the run as alice, and has bob approve it at its gate (alice may not).
    private func startApproved(files: Files, journal: Journal, transport: InMemoryTransport, clock: TestClock, delegate: Notices,
                               controller: String) async throws -> (task: Task<RunReport, any Error>, runID: String) {
        let context = try RunInputs(runbook: files.runbook, inventory: files.inventory, clock: clock).load().context
        let plan = await Planner.plan(context: context, transport: transport, concurrency: 4, secretKey: nil)
        #expect(plan.verdict == .proceeds, "\(plan.verdictReason ?? "")")
        let session = RunSession(context: context, transport: transport, journal: journal,
                                 identity: RunIdentity(user: "alice", controller: controller), delegate: delegate, concurrency: 4)
        let task = Task { () async throws -> RunReport in try await session.start(plan: plan, artifacts: files.folder + "/artifacts") }
        let waiting = try await Self.awaitEvent(journal) {
            $0.kind == .waitingApproval
        }
        let pending = try await PendingApproval.find(waiting.runID, in: journal, policy: ApprovalPolicy())
        #expect(pending.refusal(of: "alice", decision: .approve)?.contains("another person must approve it") == true)
        #expect(pending.plan.hash == plan.hash)
        let recorded = try await pending.record(.approve, by: "bob", comment: "window agreed", key: nil, in: journal)
        #expect(recorded.approval.planHash == plan.hash)
        return (task, waiting.runID)
    }

    /// An approved run in memory, past `set_meta_level lively` and in its `settle` pause.
    private func settling(_ files: Files) async throws
        -> (TestClock, InMemoryTransport, Journal, Notices, Task<RunReport, any Error>, String) {
        let clock = TestClock()
        let transport = InMemoryTransport(clock: clock)
        MetaLevelHost.install(on: transport)
        let journal = Journal(store: MemoryJournalStore())
        let notices = Notices()
        let (task, runID) = try await startApproved(files: files, journal: journal, transport: transport, clock: clock, delegate: notices,
                                                    controller: Self.deadController)
        clock.advance(by: .seconds(1))
        _ = try await Self.awaitEvent(journal, run: runID) { $0.kind == .stepStarted && $0.step == "settle" }
        return (clock, transport, journal, notices, task, runID)
    }

    /// An approved run whose controller is killed (-9) once `set_meta_level lively` reached the
    /// host: the journal as that controller left it, in a store of its own (what the abandoned
    /// task writes afterwards goes elsewhere), and the run's id.
    private func killedOnceLivelyWasSent(files: Files, transport: InMemoryTransport, clock: TestClock) async throws -> (Journal, String) {
        let store = MemoryJournalStore()
        let journal = Journal(store: store)
        let (task, runID) = try await startApproved(files: files, journal: journal, transport: transport, clock: clock, delegate: Notices(),
                                                    controller: Self.deadController)
        clock.advance(by: .seconds(1))
        _ = try await Self.awaitEvent(journal, run: runID) { $0.kind == .intent && $0.step == "lively" }
        try await transport.waitForCommand(.equals("set_meta_level lively"), on: "meta1")
        let left = Journal(store: MemoryJournalStore(name: "left", contents: store.snapshot()))
        task.cancel()
        _ = await task.result
        return (left, runID)
    }

    @Test func aWholeRunLockedApprovedWatchedAndCleanedUpInMemory() async throws {
        let files = try Files()
        defer { files.remove() }
        let clock = TestClock()
        let transport = InMemoryTransport(clock: clock)
        MetaLevelHost.install(on: transport)
        let journal = Journal(store: MemoryJournalStore())
        let notices = Notices()

        let (task, runID) = try await startApproved(files: files, journal: journal, transport: transport, clock: clock, delegate: notices,
                                                    controller: Self.deadController)
        let report = try await Self.drive(clock, until: task)

        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(report.runID == runID)
        let changes = transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") }
        #expect(changes == ["set_meta_level lively", "set_meta_level steady"])
        #expect(transport.variable("level", on: "meta1") == "steady")
        #expect(transport.commands(receivedBy: "meta1").filter { $0 == "health" }.count >= 2, "the watch sampled the cluster while it ran")
        // The lock is gone from the journal and the host; the run ended as it was reported; the approver is on record.
        #expect(try await journal.locks().isEmpty)
        #expect(transport.locks(on: "meta1").isEmpty)
        #expect(try await journal.run(runID)?.status == .ended(.succeeded))
        let approvals = try await journal.allApprovals()
        #expect(approvals.map(\.approver) == ["bob"] && approvals.map(\.decision) == [.approve])
        #expect(try await journal.verifyAudit() == nil)
        let told = notices.lines.withLock { $0 }
        #expect(told.contains { $0.hasPrefix("journaled(runID: \"\(runID)\"") })
        #expect(told.contains { $0.hasPrefix("approved(by: [\"bob\"])") })
    }

    @Test func aRunWhoseControllerDiedIsResumedToTheEndWithItsCleanup() async throws {
        let files = try Files()
        defer { files.remove() }
        let clock = TestClock()
        let transport = InMemoryTransport(clock: clock)
        MetaLevelHost.install(on: transport)
        // The change takes effect on the host, and its controller dies before it hears back.
        transport.on(.equals("set_meta_level lively"), host: "meta1") { _, state in
            state.variables["level"] = "lively"
            return .hang()
        }
        let (left, runID) = try await killedOnceLivelyWasSent(files: files, transport: transport, clock: clock)

        let clock2 = TestClock()
        let hosts = InMemoryTransport(clock: clock2)
        MetaLevelHost.install(on: hosts, level: "lively")
        let resumption = RunResumption(journal: left, transport: hosts, stateFolder: files.folder,
                                       identity: RunIdentity(user: "carol", controller: "\(ProcessInfo.processInfo.hostName):\(getpid())"),
                                       clock: clock2)
        let resumed = Task { () async throws -> RunReport in
            try await resumption.resume(ResumeRequest(runID: runID, inventory: files.inventory, assume: .done)) { question throws(RunSessionError) in
                #expect(question.contains("Resume run \(runID)"))
                return true
            }
        }
        let report = try await Self.drive(clock2, until: resumed)

        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        // The change assumed done is not sent again; the cleanup is; the gate is not asked again.
        #expect(hosts.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") } == ["set_meta_level steady"])
        #expect(hosts.variable("level", on: "meta1") == "steady")
        let run = try #require(try await left.run(runID))
        #expect(run.status == .ended(.succeeded))
        #expect(run.controller.hasSuffix(":\(getpid())"), "adopted by the resuming controller")
        let notes = try await left.events(of: runID).filter { $0.kind == .note }.compactMap(\.detail)
        #expect(notes.contains { $0.hasPrefix("resumed by carol") && $0.contains("assumed done for lively@meta1") }, "\(notes)")
        #expect(try await left.approvals(of: runID, step: "go").count == 1)
        #expect(try await left.verifyAudit() == nil)
    }

    @Test func aResumeIsRefusedWithNothingChangedWhenItsRunbookWasEdited() async throws {
        let files = try Files()
        defer { files.remove() }
        let clock = TestClock()
        let transport = InMemoryTransport(clock: clock)
        MetaLevelHost.install(on: transport)
        transport.on(.equals("set_meta_level lively"), host: "meta1", reply: .hang())
        let (left, runID) = try await killedOnceLivelyWasSent(files: files, transport: transport, clock: clock)
        try Self.runbook.replacingOccurrences(of: "set_meta_level lively", with: "set_meta_level lively --force")
            .write(toFile: files.runbook, atomically: false, encoding: .utf8)

        let hosts = InMemoryTransport(clock: TestClock())
        MetaLevelHost.install(on: hosts, level: "lively")
        let resumption = RunResumption(journal: left, transport: hosts, stateFolder: files.folder)
        await #expect {
            _ = try await resumption.resume(ResumeRequest(runID: runID, inventory: files.inventory, assume: .notDone)) { _ throws(RunSessionError) in true }
        } throws: { error in
            guard let error = error as? RunSessionError else { return false }
            return error.kind == .invalidInput && error.description.contains("the runbook changed since run \(runID) started")
        }
        #expect(hosts.commands(receivedBy: "meta1").isEmpty)
        #expect(try await left.run(runID)?.status == .running)
    }
}

extension RunLifecycleTests {
    /// The run's controller loses it mid-run (another controller adopted it): its keeper learns
    /// it at the next renewal, it stops, and neither its cleanup nor anything else leaves for the
    /// host; the run stays the adopter's: not ended, its lock still held.
    @Test func aRunAdoptedByAnotherControllerStopsWithoutSendingItsCleanupOrEndingTheRun() async throws {
        let files = try Files()
        defer { files.remove() }
        let (clock, transport, journal, notices, task, runID) = try await settling(files)
        _ = try await journal.adopt(run: runID, controller: "elsewhere:9", reason: "its lease lapsed", at: clock.now)
        let sentBefore = transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") }
        let report = try await Self.drive(clock, until: task)

        #expect(report.status == .aborted)
        #expect(report.reason?.contains("lost the run") == true && report.reason?.contains("elsewhere:9") == true, "\(report.reason ?? "")")
        #expect(sentBefore == ["set_meta_level lively"])
        #expect(transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") } == sentBefore,
                "no cleanup (set_meta_level steady) from the controller that lost the run")
        let run = try #require(try await journal.run(runID))
        #expect(run.status == .running && run.controller == "elsewhere:9" && run.epoch == 2)
        #expect(try await journal.locks().map(\.controller) == ["elsewhere:9"])
        #expect(transport.locks(on: "meta1").count == 1, "the host's lock directory is left to the adopter")
        #expect(notices.lines.withLock { $0 }.contains { $0.hasPrefix("runLost") })
        #expect(try await journal.verifyAudit() == nil)
    }
}

extension RunLifecycleTests {
    /// A cancel given through the journal (another controller's API, `warden cancel`) stops a run
    /// its carrier runs, wherever that is: found at the carrier's next lease renewal, the run
    /// stops as at Ctrl-C, its cleanup runs, and its end says who asked and why.
    @Test func aStopRequestedThroughTheJournalStopsTheRunAtItsNextRenewalAndItsCleanupRuns() async throws {
        let files = try Files()
        defer { files.remove() }
        let (clock, transport, journal, notices, task, runID) = try await settling(files)
        // Another controller (or terminal) asks; this one learns it by its journal only.
        try await journal.acting(as: "olga").requestStop(run: runID, by: "olga", reason: "wrong cluster", at: clock.now)
        let report = try await Self.drive(clock, until: task)

        #expect(report.status != .succeeded)
        #expect(report.reason?.hasPrefix("cancelled by olga: wrong cluster") == true, "\(report.reason ?? "")")
        #expect(transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") } == ["set_meta_level lively", "set_meta_level steady"],
                "the cleanup ran")
        let run = try #require(try await journal.run(runID))
        #expect(run.status != .running && run.reason?.hasPrefix("cancelled by olga: wrong cluster") == true, "\(run)")
        #expect(try await journal.locks().isEmpty)
        #expect(notices.lines.withLock { $0 }.contains { $0.hasPrefix("stopRequested") })
        #expect(try await journal.verifyAudit() == nil)
    }
}
