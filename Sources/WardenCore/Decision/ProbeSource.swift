/// Where the engine's decisions get a probe's sample: the plan takes each
/// probe once (the hosts do not change while it plans), the run takes it
/// fresh for each decision (`FreshProbes`). Everything that evaluates a probe
/// (guards, a step's `probes.<name>`) asks a source, so the plan and the run
/// differ only in when a sample is taken, never in how it is read.
protocol ProbeSource {
    /// The probe's sample; `key` names it (a probe's name, or a label for an inline one).
    mutating func sample(_ spec: ProbeSpec, key: String) async -> ProbeTaking.Sample
}
