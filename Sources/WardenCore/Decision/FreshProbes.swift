/// The run's `ProbeSource`: takes each probe when first asked and keeps that
/// sample for the rest of one decision, so guards (or parts of a step)
/// reading one probe share one sample: a status call per guard would load
/// the cluster for nothing. A new decision makes a new one.
struct FreshProbes: ProbeSource {
    let context: EngineContext
    let transport: any HostTransport
    let concurrency: Int
    private var taken: [String: ProbeTaking.Sample] = [:]

    init(context: EngineContext, transport: any HostTransport, concurrency: Int) {
        self.context = context
        self.transport = transport
        self.concurrency = concurrency
    }

    mutating func sample(_ spec: ProbeSpec, key: String) async -> ProbeTaking.Sample {
        if let sample = taken[key] { return sample }
        let sample = await ProbeTaking.take(spec, label: key, context: context, transport: transport, concurrency: concurrency)
        taken[key] = sample
        return sample
    }
}
