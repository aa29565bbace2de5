/// A number of hosts given as a count or a share of a step's hosts
/// (`serial: 2`, `max_fail: 10%`).
public enum BatchSize: Sendable, Hashable, CustomStringConvertible {
    case count(Int)
    case percent(Int)

    /// The count for `total` hosts. A share rounds down but never to zero for
    /// `serial` (a batch of no hosts would never finish); `max_fail` may be zero.
    public func resolved(total: Int, atLeastOne: Bool) -> Int {
        let value: Int
        switch self {
        case let .count(count): value = count
        case let .percent(percent): value = total * percent / 100
        }
        return atLeastOne ? max(1, value) : max(0, value)
    }

    public var description: String {
        switch self {
        case let .count(count): return String(count)
        case let .percent(percent): return "\(percent)%"
        }
    }
}
