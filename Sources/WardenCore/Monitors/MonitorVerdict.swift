/// A monitor rule judged over its history: what `warden monitor check`
/// prints per rule and what opens (firing) or resolves (clear) an incident.
public enum MonitorVerdict: Sendable, Hashable {
    /// The rule fires; the text says what its window saw.
    case firing(String)
    /// The condition holds now, but not yet for long or often enough.
    case pending(String)
    /// The condition does not hold.
    case clear(String)
    /// The latest sample could not say (no data, or the condition failed to evaluate).
    case unknown(String)

    public var name: String {
        switch self {
        case .firing: "firing"
        case .pending: "pending"
        case .clear: "clear"
        case .unknown: "unknown"
        }
    }

    public var detail: String {
        switch self {
        case let .firing(text), let .pending(text), let .clear(text), let .unknown(text): text
        }
    }

    public var isFiring: Bool {
        if case .firing = self { return true }
        return false
    }
}
