/// Taking probes for real (read-only), and evaluating guards and watches on
/// what they return.
extension Planner: ProbeSource {
    /// The probe a reference names, and the key its results are kept under.
    func resolve(_ reference: ProbeReference) -> (spec: ProbeSpec, key: String)? {
        context.runbook.probe(for: reference).map { ($0, $0.sampleKey) }
    }

    /// Runs the probe on its target's hosts, once per plan: a plan reads the
    /// hosts as they are before any change, and they do not change during it.
    /// Nil with the reasons when it gave no usable data.
    mutating func take(_ spec: ProbeSpec, key: String) async -> (records: RecordSet?, failures: [String]) {
        let sample = await sample(spec, key: key)
        return (sample.records, sample.failures)
    }

    /// `take`, as a `ProbeSource`: the plan's one sample of the probe (what it ran is in the plan's probe runs).
    mutating func sample(_ spec: ProbeSpec, key: String) async -> ProbeTaking.Sample {
        if let records = probeRecords[key] { return ProbeTaking.Sample(records: records, failures: [], runs: []) }
        if let failures = probeFailures[key] { return ProbeTaking.Sample(records: nil, failures: failures, runs: []) }
        guard let transport else { return ProbeTaking.Sample(records: nil, failures: ["offline: probes are not run"], runs: []) }
        let sample = await ProbeTaking.take(spec, label: spec.name.isEmpty ? key : spec.name, context: context,
                                            transport: transport, concurrency: concurrency)
        plan.probeRuns += sample.runs
        guard let records = sample.records else {
            probeFailures[key] = sample.failures
            return sample
        }
        // Every sample a plan takes is from before the run's first change: it is also `.before`.
        probeRecords[key] = records.with(before: records)
        return ProbeTaking.Sample(records: probeRecords[key], failures: [], runs: sample.runs)
    }

    /// Evaluates `condition` on every host of the probe. Holds when true on
    /// all of them (with `any`: on at least one); unknown when the probe gave
    /// no data or the condition could not be evaluated.
    mutating func evaluate(
        _ condition: Expression, on reference: ProbeReference, scope: Int, any: Bool = false
    ) async -> (status: PlanCondition, details: [String]) {
        guard let (spec, key) = resolve(reference) else { return (.unknown, ["the probe is not defined"]) }
        let (records, failures) = await take(spec, key: key)
        guard let records else {
            return (.unknown, failures.map { context.redactor.redact($0) })
        }
        return ProbeCondition.evaluate(condition, over: records, probe: spec, scope: scope, context: context, any: any)
    }

    /// Evaluates `guards` (the plan shows each, as first evaluated).
    /// Returns the reason the run would be blocked, if it would.
    mutating func checkGuards(_ guards: [GuardSpec]) async -> String? {
        let context = self.context
        let outcomes = await GuardCheck.check(guards, context: context, source: &self, untilBlocked: false)
        plan.guards += outcomes.map { shown($0.spec, status: $0.status, details: $0.details) }
        evaluatedGuards.formUnion(guards.map(\.identity))
        return GuardCheck.blocked(outcomes)
    }

    /// A guard as the plan shows it, with the rules file it came from.
    func shown(_ spec: GuardSpec, status: PlanCondition, details: [String]) -> PlanGuard {
        PlanGuard(location: spec.location.description, via: context.runbook.useOrigin(ofScope: spec.scope), expect: spec.expect.text,
                  status: status, details: details)
    }

    /// Each watch's abort condition, evaluated now: one that already holds
    /// would abort the run at its first check.
    mutating func planWatches() async {
        for watch in context.runbook.watches {
            // A windowed or flapping rule needs samples a plan has not taken: only its sample condition is read now.
            guard let abortIf = watch.abortIf else {
                plan.watches.append(PlanWatch(location: watch.location.description, via: context.runbook.useOrigin(ofScope: watch.scope), every: DurationText.format(watch.every),
                                              abortIf: watch.conditionText, now: .unknown, details: ["needs samples taken during the run"]))
                continue
            }
            let (status, details) = await evaluate(abortIf, on: watch.probe, scope: watch.scope, any: true)
            plan.watches.append(PlanWatch(location: watch.location.description, via: context.runbook.useOrigin(ofScope: watch.scope), every: DurationText.format(watch.every),
                                          abortIf: watch.conditionText, now: status, details: details))
            if status == .holds, watch.samples == .each {
                let why = watch.message.map { " (\($0))" } ?? ""
                noteFailure("watch at \(watch.location) would abort the run at once\(why): \(abortIf.text) holds now")
            }
        }
    }
}
