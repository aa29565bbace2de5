/// How `serial:` splits the hosts a step acts on into batches. The step
/// decision (`DecidedStep.batches`) splits here for the planner and the
/// runner alike, so the batches a plan shows are the batches the run goes
/// through.
public enum HostBatches {
    /// `hosts` (in target order) in batches of `serial`. A share (`serial: 25%`)
    /// is taken of `hosts`: the hosts the step acts on, after `when` has left
    /// some out, not of the whole target, so that a step whose `when` keeps 4
    /// of 40 hosts with `serial: 50%` runs 2 at a time, not 20. No `serial`:
    /// one batch.
    public static func split<Element>(_ hosts: [Element], serial: BatchSize?) -> [[Element]] {
        guard !hosts.isEmpty else { return [] }
        let size = serial?.resolved(total: hosts.count, atLeastOne: true) ?? hosts.count
        return stride(from: 0, to: hosts.count, by: size).map { Array(hosts[$0..<min($0 + size, hosts.count)]) }
    }
}
