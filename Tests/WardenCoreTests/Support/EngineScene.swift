import Foundation
@testable import WardenCore
import WardenTesting

/// One engine under test, with nothing real but the journal: a runbook, its
/// hosts in memory (`InMemoryTransport`), a clock the test moves
/// (`TestClock`), and a journal in a fresh folder (in /dev/shm when there is
/// one: these tests are about the engine, and JournalTests about the disk),
/// or on the store a test gives.
struct EngineScene {
    let clock: TestClock
    let transport: InMemoryTransport
    let context: EngineContext
    let journal: Journal
    let folder: String
    let runID: String
    /// Times the recorder's flush interval (`RunRecorder.flushInterval`), apart from `clock`.
    let flushClock = TestClock(now: EngineScene.morning)

    /// 2025-06-15 10:00 UTC: a fixed moment, so that windows read the same on every run.
    static let morning = Date(timeIntervalSince1970: 1_749_981_600)

    /// Loads `yaml` with `params` (name=value texts), its targets as `hosts` name them (target → host
    /// names), on a clock starting at `now`; `transport` and `clock` carry state from another scene
    /// (a resumed run sees the hosts as the first one left them).
    static func make(
        _ yaml: String, hosts: [String: [String]], params: [(String, String)] = [], now: Date = morning,
        clock: TestClock? = nil, transport: InMemoryTransport? = nil, runID: String = "run-1", store: (any JournalStore)? = nil
    ) async throws -> EngineScene {
        let clock = clock ?? TestClock(now: now)
        let runbook = try RunbookFixtures.load(yaml)
        let binding = try ParameterBinding.bind(runbook, given: params)
        let targets = hosts.mapValues { $0.map(Self.host) }
        let context = try EngineContext(runbook: runbook, parameters: binding, targets: targets, clock: clock)
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let folder = base + "/warden-engine-\(UUID().uuidString)"
        let journal: Journal
        if let store {
            journal = Journal(store: store, folder: folder)
        } else {
            journal = try await Journal.open(directory: folder)
        }
        try await journal.begin(JournalRun(id: runID, runbook: runbook.name, file: runbook.file, initiator: "tester",
                                           controller: "controller:1", planHash: "sha256:test", parameters: ""))
        return EngineScene(clock: clock, transport: transport ?? InMemoryTransport(clock: clock), context: context, journal: journal,
                           folder: folder, runID: runID)
    }

    /// An in-memory host: only its name matters to the transport.
    static func host(_ name: String) -> InventoryHost {
        InventoryHost(name: name, address: name, user: "warden", auth: .agent(socket: nil), hostKey: .pinned(fingerprint: "SHA256:test"),
                      location: SourceLocation(file: "inventory.yaml", line: 1, column: 1))
    }

    /// A recorder whose flush interval never passes unless a test moves `flushClock`: what an
    /// engine test's journal holds, and when, depends on the run's steps only.
    var recorder: RunRecorder {
        RunRecorder(journal: journal, runID: runID, redactor: context.redactor, clock: context.clock, flushClock: flushClock)
    }

    /// Runs the runbook to its end (cleanup included), journaled.
    func run(resume: ResumeState? = nil, plan: Plan? = nil,
             approvals: (@Sendable (Step, ApprovalSpec) async -> ApprovalDecision)? = nil) async -> RunReport {
        await Runner.run(context: context, transport: transport, concurrency: 8, artifacts: folder + "/artifacts", approvals: approvals,
                         recorder: recorder, plan: plan, resume: resume)
    }

    /// Starts the run in a task, for a test that moves the clock while it goes on.
    func start(resume: ResumeState? = nil) -> Task<RunReport, Never> {
        let scene = self
        return Task { await scene.run(resume: resume) }
    }

    func events() async throws -> [JournalEvent] {
        try await journal.events(of: runID)
    }

    /// The journal's events as `kind step@host` (the parts there are), in order.
    func timeline() async throws -> [String] {
        try await events().map(Self.line)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
