/// How often an alert rule may act, each limit optional.
public struct AlertThrottles: Sendable, Hashable {
    /// At most one run per incident key within this period (EDA's `once_within`):
    /// an alert that resolves and fires again soon after does not start another.
    public var onceWithin: Duration?
    /// At most `count` runs of the rule (all keys) within `within`: a storm over
    /// many keys cannot start a run per key.
    public var maxRuns: (count: Int, within: Duration)?
    /// An alert that changed firing↔resolved more than `changes` times within
    /// `within` is not acted on: restarting what flaps rarely fixes it.
    public var flapping: (changes: Int, within: Duration)?

    public init(onceWithin: Duration? = nil, maxRuns: (count: Int, within: Duration)? = nil, flapping: (changes: Int, within: Duration)? = nil) {
        self.onceWithin = onceWithin
        self.maxRuns = maxRuns
        self.flapping = flapping
    }

    public static func == (lhs: AlertThrottles, rhs: AlertThrottles) -> Bool {
        lhs.onceWithin == rhs.onceWithin && lhs.maxRuns?.count == rhs.maxRuns?.count && lhs.maxRuns?.within == rhs.maxRuns?.within
            && lhs.flapping?.changes == rhs.flapping?.changes && lhs.flapping?.within == rhs.flapping?.within
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(onceWithin)
        hasher.combine(maxRuns?.count)
        hasher.combine(maxRuns?.within)
        hasher.combine(flapping?.changes)
        hasher.combine(flapping?.within)
    }
}
