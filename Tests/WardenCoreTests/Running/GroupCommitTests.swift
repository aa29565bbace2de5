import Foundation
import Synchronization
import Testing
@testable import WardenCore
import WardenTesting

/// The journal's hot path (issue 22): one durable transaction per step
/// barrier, and still no command leaves before its intent is durable; and a
/// controller killed at any point of a run (before any transaction, before
/// or after any command) resumes without running a change twice or
/// forgetting one.
@Suite("Group commit: one durable write per step")
struct GroupCommitTests {
    /// `steps` steps, each `bump sK` on every host of `fleet`, each verifiable (`count sK`), and a
    /// cleanup step doing the same: the resume of a killed run can tell whether a change took effect.
    static func runbook(steps: Int) -> String {
        var yaml = "name: steps\ntargets:\n  fleet: {hosts: fleet, at_least: 1}\nsteps:\n"
        for k in 1...steps {
            yaml += """
                  - id: s\(k)
                    on: fleet
                    run: bump s\(k)
                    verify: {run: count s\(k), parse: json, expect: 'result.n >= 1'}

                """
        }
        yaml += """
            finally:
              - id: tidy
                on: fleet
                run: bump tidy
                verify: {run: count tidy, parse: json, expect: 'result.n >= 1'}

            """
        return yaml
    }

    static func hosts(_ count: Int) -> [String] {
        (1...count).map { String(format: "h%02d", $0) }
    }

    /// Hosts where `bump NAME` adds one to the host's count of NAME and `count NAME` reads it as
    /// `{"n": COUNT}`. `check`, if given, sees each bump's host and name as it arrives.
    static func install(on transport: InMemoryTransport, check: (@Sendable (String, String) -> Void)? = nil) {
        transport.on(.prefix("bump ")) { command, state in
            let name = String(command.line.dropFirst("bump ".count))
            check?(state.name, name)
            state.variables[name] = String((Int(state.variables[name] ?? "0") ?? 0) + 1)
            return .success("bumped \(name)\n")
        }
        transport.on(.prefix("count ")) { command, state in
            .success("{\"n\": \(state.variables[String(command.line.dropFirst("count ".count))] ?? "0")}\n")
        }
    }

    @Test func tenStepsOnTenHostsTakeOneTransactionPerStepAndNoCommandLeavesBeforeItsIntent() async throws {
        let memory = MemoryJournalStore(name: "group-commit")
        let store = CountingJournalStore(base: memory)
        let scene = try await EngineScene.make(Self.runbook(steps: 10), hosts: ["fleet": Self.hosts(10)], store: store)
        defer { scene.remove() }
        let runID = scene.runID
        let early = Mutex<[String]>([])
        // Looked up in what is committed at the moment the command reaches its host.
        Self.install(on: scene.transport) { host, step in
            let events = memory.snapshot().events[runID] ?? []
            if !events.contains(where: { $0.kind == .intent && $0.step == step && $0.host == host }) {
                early.withLock { $0.append("\(step)@\(host)") }
            }
        }
        let before = store.writes
        // All ten hosts at once, as `warden run`'s default concurrency (64) has them.
        let report = await Runner.run(context: scene.context, transport: scene.transport, concurrency: 16,
                                      artifacts: scene.folder + "/artifacts", recorder: scene.recorder)
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(early.withLock { $0 }.isEmpty, "sent before their intents were durable: \(early.withLock { $0 })")
        // One per step (its start and intents, with the outcomes and end of the step before), one for
        // the cleanup step, and one at the end for the last outcomes: 12, where writing each event as it
        // came took 23 a step (start, intents, ten outcomes, ten process groups, end).
        #expect(store.writes - before == 12)
        // Nothing was left out by grouping: every host's intent, outcome and process group, every step's start and end.
        let events = try await scene.events()
        for kind in [JournalEvent.Kind.intent, .outcome, .processGroup] {
            #expect(events.filter { $0.kind == kind }.count == 110, "\(kind)")
        }
        #expect(events.filter { $0.kind == .stepStarted }.map(\.step) == (1...10).map { "s\($0)" } + ["tidy"])
        #expect(events.filter { $0.kind == .stepFinished }.map(\.step) == (1...10).map { "s\($0)" } + ["tidy"])
        // In order: on each host a step's outcome after its intent, and each step ends before the next starts.
        for host in Self.hosts(10) {
            let own = events.filter { $0.host == host && ($0.kind == .intent || $0.kind == .outcome) }.map { "\($0.kind.rawValue) \($0.step ?? "")" }
            #expect(own == ((1...10).map { "s\($0)" } + ["tidy"]).flatMap { ["intent \($0)", "outcome \($0)"] })
        }
        let boundaries = events.filter { $0.kind == .stepStarted || $0.kind == .stepFinished }.map { "\($0.kind.rawValue) \($0.step ?? "")" }
        #expect(boundaries == ((1...10).map { "s\($0)" } + ["tidy"]).flatMap { ["step-started \($0)", "step-finished \($0)"] })
        #expect(try await scene.journal.verify(run: runID) == nil)
    }

    @Test func aLongStepsOutcomesAreWrittenWithinTheFlushIntervalNotAtItsEnd() async throws {
        let memory = MemoryJournalStore(name: "long-step")
        let scene = try await EngineScene.make(Self.runbook(steps: 1), hosts: ["fleet": Self.hosts(4)], store: memory)
        defer { scene.remove() }
        Self.install(on: scene.transport)
        // h04 takes its time: the step's barrier is far away.
        scene.transport.on(.equals("bump s1"), host: "h04", reply: .hang())
        let runID = scene.runID
        let outcomes = { @Sendable in (memory.snapshot().events[runID] ?? []).filter { $0.kind == .outcome }.compactMap(\.host) }
        let run = scene.start()
        try await scene.transport.waitUntil("h04's command is under way and the others answered") { transport in
            transport.runningCount(on: "h04") == 1 && ["h01", "h02", "h03"].allSatisfy { transport.variable("s1", on: $0) == "1" }
        }
        // Advanced until the interval's timer writes them (it may have been armed before they were buffered).
        var written: [String] = []
        for _ in 0..<200 where written.count < 3 {
            scene.flushClock.advance(by: RunRecorder.flushInterval)
            try await Task.sleep(for: .milliseconds(5))
            written = outcomes()
        }
        #expect(written.sorted() == ["h01", "h02", "h03"])
        #expect(scene.flushClock.elapsed < .seconds(40), "written only after \(scene.flushClock.elapsed)")
        #expect(scene.transport.runningCount(on: "h04") == 1, "the step is still under way")
        scene.transport.finishRunning(on: "h04", with: .success("bumped\n"))
        let report = await run.value
        #expect(report.steps.first?.status == .ok)
        #expect(outcomes().filter { $0 == "h04" }.count == 2, "its step outcome, then its cleanup outcome")
    }

    /// Where the controller dies: just before its n-th journal transaction of the run, or at its
    /// n-th command, before the command leaves or after it ran on the host (its answer never read).
    enum KillPoint: CustomStringConvertible {
        case beforeWrite(Int)
        case beforeSend(Int)
        case afterSend(Int)

        var description: String {
            switch self {
            case let .beforeWrite(n): "before journal write \(n)"
            case let .beforeSend(n): "before command \(n) left"
            case let .afterSend(n): "after command \(n) ran, before its answer"
            }
        }
    }

    @Test func aControllerKilledAtAnyPointResumesWithEveryChangeMadeExactlyOnce() async throws {
        let hosts = Self.hosts(3)
        // The run once, undisturbed: how many transactions and commands it takes.
        let (writes, sends) = try await {
            let store = CountingJournalStore(base: MemoryJournalStore())
            let scene = try await EngineScene.make(Self.runbook(steps: 3), hosts: ["fleet": hosts], store: store)
            defer { scene.remove() }
            Self.install(on: scene.transport)
            let dying = DyingTransport(base: scene.transport, store: store)
            let before = store.writes
            let report = await Runner.run(context: scene.context, transport: dying, concurrency: 8, artifacts: scene.folder + "/artifacts",
                                          recorder: scene.recorder)
            #expect(report.status == .succeeded, "\(report.reason ?? "")")
            return (store.writes - before, dying.sends)
        }()
        #expect(writes == 5, "3 steps, the cleanup step, the end")
        #expect(sends == 12)
        let points = (1...writes).map(KillPoint.beforeWrite) + (1...sends).map(KillPoint.beforeSend) + (1...sends).map(KillPoint.afterSend)
        for point in points {
            let store = CountingJournalStore(base: MemoryJournalStore())
            let scene = try await EngineScene.make(Self.runbook(steps: 3), hosts: ["fleet": hosts], store: store)
            defer { scene.remove() }
            Self.install(on: scene.transport)
            let dying = DyingTransport(base: scene.transport, store: store)
            switch point {
            case let .beforeWrite(n): store.stop(atWrite: store.writes + n)
            case let .beforeSend(n): dying.die(atSend: n, afterItRan: false)
            case let .afterSend(n): dying.die(atSend: n, afterItRan: true)
            }
            let killed = await Runner.run(context: scene.context, transport: dying, concurrency: 8, artifacts: scene.folder + "/artifacts",
                                          recorder: scene.recorder)
            #expect(killed.status != .succeeded, "\(point): the run did not notice it was killed")
            // The next controller: the journal as the dead one left it, the hosts as its commands left them.
            store.restart()
            let (resumed, verified) = try await scene.resume()
            #expect(resumed.status == .succeeded, "\(point): \(resumed.reason ?? "") (verify: \(verified))")
            for host in hosts {
                for name in ["s1", "s2", "s3", "tidy"] {
                    let count = scene.transport.variable(name, on: host) ?? "0"
                    #expect(count == "1", "\(point): \(name) ran \(count) times on \(host) (verify: \(verified))")
                }
            }
        }
    }
}

/// A transport that dies with its controller: from the chosen command on, nothing leaves and the
/// journal (a `CountingJournalStore`) is written no more; it also dies when the store stops first.
final class DyingTransport: HostTransport {
    let base: InMemoryTransport
    let store: CountingJournalStore
    private struct State {
        var sends = 0
        var dieAt: Int?
        var afterItRan = false
    }
    private let state = Mutex(State())

    init(base: InMemoryTransport, store: CountingJournalStore) {
        self.base = base
        self.store = store
    }

    /// The step commands sent so far (Warden's own host-state scripts not counted).
    var sends: Int { state.withLock { $0.sends } }

    func die(atSend send: Int, afterItRan: Bool) {
        state.withLock {
            $0.dieAt = send
            $0.afterItRan = afterItRan
        }
    }

    func run(_ command: RemoteCommand, on host: InventoryHost,
             onOutput: (@Sendable (WardenCore.OutputStream, String) -> Void)?) async throws(TransportError) -> CommandResult {
        try await run(command, on: host, onOutput: onOutput, onStarted: nil)
    }

    func run(_ command: RemoteCommand, on host: InventoryHost, onOutput: (@Sendable (WardenCore.OutputStream, String) -> Void)?,
             onStarted: (@Sendable (RemoteProcessGroup) -> Void)?) async throws(TransportError) -> CommandResult {
        if let stopped = store.stopped { throw TransportError(kind: .unreachable, host: host.name, message: "the controller is dead: \(stopped)") }
        let (number, dies, after) = state.withLock { state in
            state.sends += 1
            return (state.sends, state.dieAt == state.sends, state.afterItRan)
        }
        guard dies else { return try await base.run(command, on: host, onOutput: onOutput, onStarted: onStarted) }
        if after { _ = try? await base.run(command, on: host, onOutput: onOutput, onStarted: onStarted) }
        store.stop("the controller was killed at command \(number)")
        throw TransportError(kind: .unreachable, host: host.name, message: "the controller is dead")
    }

    func fetch(_ remotePath: String, from host: InventoryHost, to localPath: String,
               limits: FetchLimits) async throws(TransportError) -> FetchedFile {
        try await base.fetch(remotePath, from: host, to: localPath, limits: limits)
    }

    func close() async {
        await base.close()
    }
}
