import Foundation

extension Duration {
    /// The duration in seconds as a `TimeInterval`, to compare with differences of `Date`s
    /// (the alert decider keeps wall time, which survives a restart).
    public var timeInterval: TimeInterval {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
