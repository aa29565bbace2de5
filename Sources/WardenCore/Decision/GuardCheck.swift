/// The guards checked before a change: which guards protect a step, each
/// evaluated on its probe's sample, and the reason a change must not start.
/// The plan (on the sample it took) and the run (on a fresh one, right
/// before each change and each batch) check them here, so a guard blocks
/// the run with the words the plan used.
enum GuardCheck {
    /// One guard, evaluated.
    struct Outcome: Sendable {
        let spec: GuardSpec
        /// `holds` on every host of its probe, `fails` on some, or `unknown`
        /// (no data, or the condition could not be evaluated).
        let status: PlanCondition
        /// Per host: what was seen, or why it could not be.
        let details: [String]

        /// Why the change must not start; nil when the guard holds.
        var blocks: String? {
            guard status != .holds else { return nil }
            let why = spec.message.map { " (\($0))" } ?? ""
            let verb = status == .fails ? "fails" : "cannot be checked"
            return "guard at \(spec.location) \(verb)\(why): \(spec.expect.text); " + details.joined(separator: "; ")
        }
    }

    /// The guards checked before `step`: those of its scope (and the scopes
    /// including it) when it changes hosts. A scope that changes nothing at
    /// all (a read-only runbook, or one included) has its own guards checked
    /// before its first step that runs on hosts, so a health gate blocks
    /// without a no-op change to hang its guards on. None for cleanup, which
    /// runs whatever ends the run.
    static func guards(for step: Step, in runbook: Runbook) -> [GuardSpec] {
        guard !step.isCleanup else { return [] }
        if step.isMutating { return runbook.guards(protecting: step.scope) }
        let gated = Set(runbook.scopeChain(of: step.scope).filter { runbook.readOnlyGate(of: $0) == step.id })
        return runbook.guards.filter { gated.contains(runbook.owner(of: $0)) }
    }

    /// Evaluates `guards` in order on samples from `source`. With
    /// `untilBlocked`, stops at the first that blocks (a run needs only the
    /// reason); otherwise evaluates them all (a plan shows each).
    static func check<Source: ProbeSource>(
        _ guards: [GuardSpec], context: EngineContext, source: inout Source, untilBlocked: Bool
    ) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for spec in guards {
            let outcome: Outcome
            if let probe = context.runbook.probe(for: spec.probe) {
                let sample = await source.sample(probe, key: probe.sampleKey)
                if let records = sample.records {
                    let (status, details) = ProbeCondition.evaluate(spec.expect, over: records, probe: probe, scope: spec.scope,
                                                                    context: context, any: false)
                    outcome = Outcome(spec: spec, status: status, details: details)
                } else {
                    outcome = Outcome(spec: spec, status: .unknown, details: sample.failures)
                }
            } else {
                outcome = Outcome(spec: spec, status: .unknown, details: ["the probe is not defined"])
            }
            outcomes.append(outcome)
            if untilBlocked, outcome.blocks != nil { break }
        }
        return outcomes
    }

    /// The first reason among `outcomes` that blocks the change; nil when every guard holds.
    static func blocked(_ outcomes: [Outcome]) -> String? {
        outcomes.lazy.compactMap(\.blocks).first
    }
}
