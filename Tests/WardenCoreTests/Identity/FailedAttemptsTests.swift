import Testing
@testable import WardenCore
import WardenTesting

extension IdentityTests {
    /// The lockout of an address that keeps failing to authenticate, on a test
    /// clock: no test sleeps.
    @Suite("Failed attempts")
    struct FailedAttemptsTests {
        @Test func anAddressIsLockedOutAtTheLimitAndReleasedAfterTheLockout() async {
            let clock = TestClock()
            let attempts = FailedAttempts(limit: 3, window: .seconds(60), lockout: .seconds(30), clock: clock)
            await attempts.recordFailure("10.0.0.5")
            await attempts.recordFailure("10.0.0.5")
            #expect(await !attempts.isLockedOut("10.0.0.5"))
            await attempts.recordFailure("10.0.0.5")
            #expect(await attempts.isLockedOut("10.0.0.5"))
            #expect(await !attempts.isLockedOut("10.0.0.6"), "other addresses are not affected")

            // Failures while locked out neither count nor extend it.
            clock.advance(by: .seconds(29))
            await attempts.recordFailure("10.0.0.5")
            #expect(await attempts.isLockedOut("10.0.0.5"))
            clock.advance(by: .seconds(1))
            #expect(await !attempts.isLockedOut("10.0.0.5"))

            // Released with a clean count: the limit applies afresh.
            await attempts.recordFailure("10.0.0.5")
            await attempts.recordFailure("10.0.0.5")
            #expect(await !attempts.isLockedOut("10.0.0.5"))
            await attempts.recordFailure("10.0.0.5")
            #expect(await attempts.isLockedOut("10.0.0.5"))
        }

        @Test func failuresOlderThanTheWindowDoNotCount() async {
            let clock = TestClock()
            let attempts = FailedAttempts(limit: 3, window: .seconds(60), lockout: .seconds(60), clock: clock)
            await attempts.recordFailure("::1")
            clock.advance(by: .seconds(30))
            await attempts.recordFailure("::1")
            clock.advance(by: .seconds(30))
            // The first failure is now 60 s old: outside the window.
            await attempts.recordFailure("::1")
            #expect(await !attempts.isLockedOut("::1"))
            clock.advance(by: .seconds(29))
            await attempts.recordFailure("::1")
            #expect(await attempts.isLockedOut("::1"), "three failures within 60 s")
        }

        @Test func aSuccessClearsTheCount() async {
            let clock = TestClock()
            let attempts = FailedAttempts(limit: 3, clock: clock)
            await attempts.recordFailure("a")
            await attempts.recordFailure("a")
            await attempts.recordSuccess("a")
            await attempts.recordFailure("a")
            await attempts.recordFailure("a")
            #expect(await !attempts.isLockedOut("a"))
            #expect(await attempts.trackedAddresses == 1)
            await attempts.recordSuccess("a")
            #expect(await attempts.trackedAddresses == 0)
        }

        @Test func theDefaultsAreTenFailuresInAMinuteForAMinute() async {
            let clock = TestClock()
            let attempts = FailedAttempts(clock: clock)
            #expect(attempts.limit == 10 && attempts.window == .seconds(60) && attempts.lockout == .seconds(60))
            for _ in 0..<9 { await attempts.recordFailure("a") }
            #expect(await !attempts.isLockedOut("a"))
            await attempts.recordFailure("a")
            #expect(await attempts.isLockedOut("a"))
            clock.advance(by: .seconds(60))
            #expect(await !attempts.isLockedOut("a"))
        }

        @Test func memoryIsBoundedAndTheLeastRecentAddressIsForgottenFirst() async {
            let clock = TestClock()
            let attempts = FailedAttempts(limit: 1, lockout: .seconds(600), capacity: 100, clock: clock)
            for index in 0..<1_000 {
                await attempts.recordFailure("10.0.\(index / 256).\(index % 256)")
                clock.advance(by: .milliseconds(1))
            }
            #expect(await attempts.trackedAddresses == 100)
            #expect(await !attempts.isLockedOut("10.0.0.0"), "the oldest were forgotten")
            #expect(await attempts.isLockedOut("10.0.3.231"), "the newest (999) are kept")
            #expect(await attempts.isLockedOut("10.0.3.132"), "the 100th newest (900) is kept")
            #expect(await !attempts.isLockedOut("10.0.3.131"), "the 101st newest (899) is not")

            // One address failing over and over is one address, however often.
            let busy = FailedAttempts(limit: 1_000_000, capacity: 10, clock: clock)
            for _ in 0..<10_000 { await busy.recordFailure("a") }
            #expect(await busy.trackedAddresses == 1)
        }
    }
}
