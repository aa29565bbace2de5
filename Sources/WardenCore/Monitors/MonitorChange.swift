/// A rule that fires when a figure keeps moving one way: fault tolerance
/// decreasing more than 4 times in an hour (flapping), the generation
/// increasing in 5 separate minutes of an hour (repeated recoveries).
public struct MonitorChange: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        case decreased, increased
    }

    /// What is counted: each change between two samples, or the distinct
    /// wall-clock minutes in which the figure changed.
    public enum Counting: String, Sendable, Hashable, CaseIterable {
        case times, minutes
    }

    public let direction: Direction
    public let count: Int
    public let counting: Counting
    public let within: Duration

    public init(direction: Direction, count: Int, counting: Counting, within: Duration) {
        self.direction = direction
        self.count = count
        self.counting = counting
        self.within = within
    }

    public var description: String {
        switch counting {
        case .times: "\(direction.rawValue) \(count) times within \(DurationText.format(within))"
        case .minutes: "\(direction.rawValue) in \(count) separate minutes within \(DurationText.format(within))"
        }
    }
}
