import Foundation
import Testing
import WardenCore
import WardenTesting

/// The test clock itself: time stands still until moved, sleepers wake in
/// deadline order and only when their time comes, cancellation ends a
/// sleep at once, and a test can await the engine coming to rest.
@Suite("Test clock")
struct TestClockTests {
    @Test func timeMovesOnlyWhenTheTestMovesIt() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let clock = TestClock(now: start)
        let instant = clock.instant
        #expect(clock.now == start)
        clock.advance(by: .seconds(90))
        #expect(clock.now == start.addingTimeInterval(90))
        #expect(clock.instant - instant == .seconds(90))
        #expect(clock.elapsed == .seconds(90))
    }

    @Test func sleepersWakeWhenTheirDeadlineIsReachedEarliestFirst() async throws {
        let clock = TestClock()
        let woken = WakeLog()
        let sleepers = [30, 10, 20].map { seconds in
            Task {
                try await clock.sleep(for: .seconds(seconds))
                await woken.add(seconds)
            }
        }
        try await clock.waitUntilAsleep(3)
        clock.advance(by: .seconds(15))
        // The ten-second sleeper woke; the others sleep on.
        try await sleepers[1].value
        #expect(await woken.order == [10])
        #expect(clock.sleeperCount == 2)
        clock.advance(by: .seconds(15))
        for sleeper in sleepers { try await sleeper.value }
        #expect(Set(await woken.order) == [10, 20, 30])
        #expect(clock.sleeperCount == 0)
    }

    @Test func aCancelledSleeperWakesAtOnceAndThrows() async throws {
        let clock = TestClock()
        let sleeper = Task { () -> Bool in
            do {
                try await clock.sleep(for: .seconds(3600))
                return false
            } catch {
                return true
            }
        }
        try await clock.waitUntilAsleep(1)
        sleeper.cancel()
        #expect(await sleeper.value)
        #expect(clock.sleeperCount == 0)
        #expect(clock.elapsed == .zero)
    }

    @Test func aDeadlineAlreadyPassedDoesNotSleep() async throws {
        let clock = TestClock()
        let then = clock.instant
        clock.advance(by: .seconds(5))
        try await clock.sleep(until: then)
        #expect(clock.sleeperCount == 0)
    }

    @Test func advancingToTheNextDeadlineWakesOnlyThatSleeper() async throws {
        let clock = TestClock()
        let first = Task { try await clock.sleep(for: .seconds(7)) }
        let second = Task { try await clock.sleep(for: .seconds(70)) }
        try await clock.waitUntilAsleep(2)
        #expect(clock.advanceToNextDeadline())
        try await first.value
        #expect(clock.elapsed == .seconds(7))
        #expect(clock.sleeperCount == 1)
        second.cancel()
        try await clock.waitUntilAsleep(0)
        #expect(!clock.advanceToNextDeadline())
    }

    @Test func waitingForSleepersThatNeverComeFailsInsteadOfHanging() async throws {
        let clock = TestClock()
        do {
            try await clock.waitUntilAsleep(1, limit: .milliseconds(50))
            Issue.record("no task sleeps, yet the wait returned")
        } catch {
            #expect(error.expected == 1 && error.asleep == 0)
            #expect(error.description.hasPrefix("expected 1 task(s) asleep on the test clock, but 0 slept"))
        }
    }
}

/// The order sleepers woke in.
private actor WakeLog {
    private(set) var order: [Int] = []

    func add(_ value: Int) {
        order.append(value)
    }
}
