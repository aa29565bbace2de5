import Synchronization
import Testing
@testable import WardenCore

/// The turn of accesses to a state folder's journal: one at a time, urgent ones (lease renewals,
/// alert deliveries) before the run writes that were waiting already.
@Suite("SQLite access gate")
struct SQLiteAccessGateTests {
    @Test func anUrgentAccessGoesBeforeTheOnesQueuedAheadOfIt() async throws {
        let gate = SQLiteAccessGate()
        let log = TurnLog()
        let (held, holding) = AsyncStream<Void>.makeStream()
        let (release, releasing) = AsyncStream<Void>.makeStream()
        // The access under way, which the others queue behind.
        let first = Task {
            await gate.inTurn {
                holding.yield()
                for await _ in release { break }
            }
        }
        for await _ in held { break }
        var waiting: [Task<Void, Never>] = []
        for (name, urgent) in [("run write 1", false), ("run write 2", false), ("lease renewal", true), ("run write 3", false), ("delivery", true)] {
            waiting.append(Task {
                await gate.inTurn(urgent: urgent) {
                    // Never two at once.
                    #expect(log.enter(name) == 1)
                    await Task.yield()
                    log.leave()
                }
            })
            // Queued in this order: the gate is busy, so each waits.
            try await Self.until { gate.waiting == waiting.count }
        }
        releasing.yield()
        await first.value
        for task in waiting { await task.value }
        #expect(log.order == ["lease renewal", "delivery", "run write 1", "run write 2", "run write 3"])
        #expect(gate.waiting == 0)
    }

    @Test func aFreeGateLetsAnAccessInAtOnceAndAThrowingOneLetsTheNextIn() async throws {
        struct Refused: Error {}
        let gate = SQLiteAccessGate()
        #expect(await gate.inTurn { 42 } == 42)
        await #expect(throws: Refused.self) { try await gate.inTurn(urgent: true) { throw Refused() } }
        #expect(await gate.inTurn { "after" } == "after")
    }

    /// Polls `condition` (a few milliseconds apart) for up to 10 s.
    private static func until(_ condition: () -> Bool) async throws {
        for _ in 0..<2000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("the condition never held")
    }
}

/// Who entered the gate, in order, and how many are inside now.
private final class TurnLog: Sendable {
    private let state = Mutex<(order: [String], inside: Int)>(([], 0))

    /// Notes `name` inside: how many are inside now.
    func enter(_ name: String) -> Int {
        state.withLock { state in
            state.order.append(name)
            state.inside += 1
            return state.inside
        }
    }

    func leave() {
        state.withLock { $0.inside -= 1 }
    }

    var order: [String] { state.withLock { $0.order } }
}
