/// How unevenly a count (primaries, replicas) is spread over nodes, the
/// balancer's concern. Over the given counts:
/// - `min`, `max`, `mean`;
/// - `spread` = max − min: the balancer is done when this is at most 1 per
///   table, so cluster-wide it grows with the number of tables;
/// - `ratio` = max / mean: 1.0 is perfectly even, 1.5 means the busiest node
///   carries half again its fair share; null when the mean is 0.
/// Null as a whole when there are no counts.
enum PegasusCountSkew {
    static func value(_ counts: [Int]) -> Value {
        guard let low = counts.min(), let high = counts.max() else { return .null }
        let mean = Double(counts.reduce(0, +)) / Double(counts.count)
        return .map([
            "min": .int(low),
            "max": .int(high),
            "mean": .double(mean),
            "spread": .int(high - low),
            "ratio": mean > 0 ? .double(Double(high) / mean) : .null,
        ])
    }
}
