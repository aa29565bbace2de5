/// The "worst replica lag" of FoundationDB's monitoring guide: an estimate
/// of how far behind the logs the *least* lagging copy of some data may be,
/// which is what matters for reads, unlike one slow replica.
///
/// The guide ignores "the lag for all storage servers in the first N-1
/// fault domains, where N is `cluster.data.state.min_replicas_remaining`".
/// Read as: sort storage roles by `data_lag.seconds`, highest first; walk
/// them, setting aside every role whose fault domain is one of the first
/// N-1 distinct domains met; the first role not set aside gives the
/// answer; 0 when every role was set aside. N below 1 sets nothing aside.
/// That reading is the research's inference (fdb.md §3), not upstream code.
enum FDBWorstReplicaLag {
    /// nil when no storage role reports a lag.
    static func seconds(_ roles: [FDBProcessRole], replicasRemaining: Int) -> Double? {
        let lags = roles.compactMap { role in role.role["data_lag"]["seconds"].number.map { (lag: $0, domain: role.faultDomain) } }
        guard !lags.isEmpty else { return nil }
        var ignored: Set<String> = []
        for entry in lags.sorted(by: { $0.lag > $1.lag }) {
            if ignored.contains(entry.domain) { continue }
            if ignored.count < replicasRemaining - 1 {
                ignored.insert(entry.domain)
                continue
            }
            return entry.lag
        }
        return 0
    }
}
