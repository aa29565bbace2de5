/// How long, or how often, a monitor rule's condition must hold before the
/// rule fires: the forms FoundationDB's monitoring guide writes its alerts
/// in ("for 10 consecutive minutes", "30 of 60 minutes", "2 of 3 samples").
public enum MonitorWindow: Sendable, Hashable {
    /// The latest sample decides (the guide's "immediately").
    case immediately
    /// Every sample of the last DURATION breached, and the samples reach
    /// back that far without a gap (`for: 10m`).
    case sustained(Duration)
    /// Breached in at least `count` distinct wall-clock minutes within the
    /// last `within` (`minutes: {count: 30, within: 60m}`).
    case minutes(count: Int, within: Duration)
    /// `N of M` of the latest samples, or `N consecutive` (`samples: "2 of 3"`).
    case samples(SampleRule)

    /// How far back the rule reads samples; nil when it counts samples.
    var horizon: Duration? {
        switch self {
        case .immediately: .zero
        case let .sustained(duration): duration
        case let .minutes(_, within): within
        case .samples: nil
        }
    }

    /// The window as the config writes it, for listings and messages.
    public var description: String {
        switch self {
        case .immediately: "immediately"
        case let .sustained(duration): "for \(DurationText.format(duration))"
        case let .minutes(count, within): "in \(count) separate minutes within \(DurationText.format(within))"
        case let .samples(rule): "in \(rule.description) samples"
        }
    }
}
