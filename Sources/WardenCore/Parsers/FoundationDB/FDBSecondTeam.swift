/// The "2nd team" rate of FoundationDB's monitoring guide, a hot-shard
/// detector: the busiest team's replication-factor storage servers are set
/// aside and the highest remaining rate is reported; a maximum far above it
/// points at one hot shard rather than general load.
enum FDBSecondTeam {
    /// nil when the replication factor is unknown or no more servers than it report `metric.hz`.
    static func rate(_ roles: [FDBProcessRole], metric: String, replicationFactor: Int?) -> Double? {
        guard let replicationFactor else { return nil }
        let rates = roles.compactMap { $0.role[metric]["hz"].number }.sorted(by: >)
        guard rates.count > replicationFactor else { return nil }
        return rates[replicationFactor]
    }
}
