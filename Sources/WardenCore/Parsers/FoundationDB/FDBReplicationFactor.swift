/// How many copies of each piece of data the configuration asks storage to
/// keep, needed for the "2nd team" rates and as the fallback for
/// `min_replicas_remaining` (absent in 6.2 and older while healthy).
enum FDBReplicationFactor {
    /// Storage replicas per redundancy mode (`fdbclient/DatabaseConfiguration.cpp`).
    private static let byMode = [
        "single": 1, "double": 2, "triple": 3, "three_data_hall": 3, "three_data_hall_fallback": 2,
        "three_datacenter": 6, "three_datacenter_fallback": 4,
    ]

    /// The mode's name: `redundancy_mode`, or `redundancy.factor` in 3.x-era documents.
    static func mode(_ configuration: ValueCursor) -> String? {
        configuration["redundancy_mode"].string ?? configuration["redundancy"]["factor"].string
    }

    /// Custom modes write `storage_replicas` instead of a mode name.
    static func storageReplicas(_ configuration: ValueCursor) -> Int? {
        configuration["storage_replicas"].integer ?? mode(configuration).flatMap { byMode[$0] }
    }
}
