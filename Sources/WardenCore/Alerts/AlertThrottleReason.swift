import Foundation

/// Which throttle held a rule back, with what the journal needs to explain it.
public enum AlertThrottleReason: Sendable, Hashable, CustomStringConvertible {
    /// A run for the same incident key started less than `window` ago.
    case onceWithin(window: Duration, lastIncident: String, lastRun: String?, at: Date)
    /// The rule started `count` runs within `within` already.
    case maxRuns(count: Int, within: Duration, oldest: Date)
    /// `alerts.max_runs` of the serve config, over every rule.
    case maxRunsOverall(count: Int, within: Duration, oldest: Date)

    public var description: String {
        switch self {
        case let .onceWithin(window, incident, run, at):
            "once_within \(DurationText.format(window)) (last run \(run.map { "\($0) of incident \(incident)" } ?? "for incident \(incident)") at \(AlertTimestamp(at)))"
        case let .maxRuns(count, within, oldest):
            "max_runs \(count) within \(DurationText.format(within)) reached (the oldest of them at \(AlertTimestamp(oldest)))"
        case let .maxRunsOverall(count, within, oldest):
            "alerts.max_runs \(count) within \(DurationText.format(within)) over all rules reached (the oldest of them at \(AlertTimestamp(oldest)))"
        }
    }
}
