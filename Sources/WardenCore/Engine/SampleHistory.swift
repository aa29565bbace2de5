/// What a watch remembers of the samples a run has taken, to apply its
/// windowed rules: whether each recent sample breached, and each host's
/// recent values with when they were read.
struct SampleHistory: Sendable {
    private let rule: SampleRule
    private var recent: [Bool] = []
    private var values: [String: [(at: ContinuousClock.Instant, value: Double)]] = [:]

    public init(rule: SampleRule) {
        self.rule = rule
    }

    /// Records whether the newest sample breached; true when the rule is met
    /// (`breaches` of the last `of` samples breached).
    public mutating func record(breach: Bool) -> Bool {
        recent.append(breach)
        if recent.count > rule.of { recent.removeFirst(recent.count - rule.of) }
        return recent.filter { $0 }.count >= rule.breaches
    }

    /// How many of the last samples breached, for messages.
    var breachCount: Int { recent.filter { $0 }.count }
    var sampleCount: Int { recent.count }

    /// Records a host's value and returns how many times it went down within
    /// `within` before `now` (each fall from one sample to the next counts once).
    public mutating func record(value: Double, host: String, at now: ContinuousClock.Instant, within: Duration) -> Int {
        var series = values[host, default: []]
        series.append((now, value))
        // Keep the sample just before the window: a fall into the window counts.
        while series.count > 1, now - series[1].at > within { series.removeFirst() }
        values[host] = series
        return zip(series, series.dropFirst()).filter { $1.value < $0.value && now - $1.at <= within }.count
    }
}
