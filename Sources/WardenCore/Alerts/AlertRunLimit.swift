/// At most `count` runs started within `within` (`max_runs: {count: 3, within: 1h}`).
public struct AlertRunLimit: Sendable, Hashable {
    public var count: Int
    public var within: Duration

    public init(count: Int, within: Duration) {
        self.count = count
        self.within = within
    }
}
