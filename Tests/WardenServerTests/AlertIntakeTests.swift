import Foundation
import Synchronization
import Testing
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// The receiver's group commit: deliveries that arrive while a write is under way are journaled
/// together in the next one, each answered with its own input number, in the order they came.
@Suite("Alert intake")
struct AlertIntakeTests {
    /// A memory store whose first `writeAhead` waits until `release()`, as a disk busy with a sync.
    final class FirstWriteHeldStore: JournalStore {
        private struct Gate {
            var aheadWrites = 0
            var released = false
            var waiter: CheckedContinuation<Void, Never>?
        }

        private let inner = MemoryJournalStore()
        private let gate = Mutex(Gate())
        /// Yields once the first write is being held.
        let held: AsyncStream<Void>
        private let heldSink: AsyncStream<Void>.Continuation

        init() {
            (held, heldSink) = AsyncStream<Void>.makeStream()
        }

        var location: String { inner.location }
        /// How many `writeAhead`s (the receiver's writes) were made.
        var aheadWrites: Int { gate.withLock { $0.aheadWrites } }

        func release() {
            let waiter: CheckedContinuation<Void, Never>? = gate.withLock { gate in
                gate.released = true
                defer { gate.waiter = nil }
                return gate.waiter
            }
            waiter?.resume()
        }

        func read<T: Sendable>(_ body: @escaping @Sendable (any JournalReader) throws -> T) async throws(JournalError) -> T {
            try await inner.read(body)
        }

        func write<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
            try await inner.write(body)
        }

        func writeAhead<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
            let first = gate.withLock { gate in
                gate.aheadWrites += 1
                return gate.aheadWrites == 1
            }
            if first {
                heldSink.yield()
                await withCheckedContinuation { waiter in
                    let now: Bool = gate.withLock { gate in
                        if gate.released { return true }
                        gate.waiter = waiter
                        return false
                    }
                    if now { waiter.resume() }
                }
            }
            return try await inner.writeAhead(body)
        }
    }

    private func delivery(_ number: Int) -> (AlertInputDraft, AlertIntake.Decoded) {
        (AlertInputDraft(kind: .delivery, source: "alertmanager-\(number)", body: Array("{\"n\":\(number)}".utf8)), .failure(.notJSON))
    }

    @Test func deliveriesArrivingDuringAWriteAreJournaledTogetherInTheNextInTheOrderTheyCame() async throws {
        let store = FirstWriteHeldStore()
        let journal = Journal(store: store, actor: "tester")
        let commits = Mutex(0)
        let (committed, committedSink) = AsyncStream<Void>.makeStream()
        let intake = AlertIntake(journal: journal, clock: TestClock()) {
            commits.withLock { $0 += 1 }
            committedSink.yield()
        }

        let (firstDraft, firstDecoded) = delivery(0)
        let first = Task { await intake.journal(firstDraft, decoded: firstDecoded) }
        var heldWrites = store.held.makeAsyncIterator()
        _ = await heldWrites.next()

        // Four more, one after another, while the first write is held.
        var later: [Task<Result<Int, JournalError>, Never>] = []
        for number in 1...4 {
            let (draft, decoded) = delivery(number)
            later.append(Task { await intake.journal(draft, decoded: decoded) })
            while intake.waiting < number { await Task.yield() }
        }
        #expect(store.aheadWrites == 1, "nothing else is written while the first write is held")

        store.release()
        #expect(try await first.value.get() == 1)
        var numbers: [Int] = []
        for task in later { numbers.append(try await task.value.get()) }
        #expect(numbers == [2, 3, 4, 5])
        #expect(store.aheadWrites == 2, "the four waiting deliveries went in one write")
        // The decider is told after the answers are given: wait for both.
        var told = committed.makeAsyncIterator()
        _ = await told.next()
        _ = await told.next()
        #expect(commits.withLock { $0 } == 2, "the decider is told once per write")

        let journaled = try await journal.alertInputs()
        #expect(journaled.map(\.source) == (0...4).map { "alertmanager-\($0)" })
        for number in 1...5 { #expect(intake.takeDecoded(number) != nil, "input \(number)'s decoding is kept for the decider") }
    }

    @Test func aFailedWriteFailsEveryDeliveryInItAndTheNextWriteStillGoesAhead() async throws {
        let store = MemoryJournalStore()
        let journal = Journal(store: store, actor: "tester")
        let intake = AlertIntake(journal: journal, clock: TestClock()) {}
        store.unreachable("the disk is full")
        let (draft, decoded) = delivery(0)
        let failed = await intake.journal(draft, decoded: decoded)
        guard case .failure(let error) = failed else {
            Issue.record("a delivery was answered as journaled by a journal that cannot write: \(failed)")
            return
        }
        #expect("\(error)".contains("the disk is full"), "\(error)")

        store.unreachable(nil)
        let (again, decodedAgain) = delivery(1)
        #expect(try await intake.journal(again, decoded: decodedAgain).get() == 1)
    }
}
