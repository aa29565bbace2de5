import Foundation

extension TestClock {
    /// `waitUntilAsleep` gave up: the engine did not come to rest with the
    /// number of sleepers the test expected (it expects the wrong number, or
    /// the engine is stuck on something other than the clock).
    public struct Stall: Error, Sendable, CustomStringConvertible {
        public let expected: Int
        public let asleep: Int
        /// How far the test had moved the clock.
        public let elapsed: Duration

        public var description: String {
            "expected \(expected) task(s) asleep on the test clock, but \(asleep) slept (the clock had moved \(elapsed) in all)"
        }
    }
}
