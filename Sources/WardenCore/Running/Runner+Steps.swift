import Foundation

/// Executing one step of each kind.
extension Runner {
    mutating func execute(_ step: Step) async -> StepReport {
        var stepReport = StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating, status: .ok, summary: "")
        let probes = await freshProbes(readBy: step)
        switch step.kind {
        case let .approve(approval):
            if let blocked = hostlessSkip(step, probes: probes) { return blocked }
            let decision = await approvals?(step, approval) ?? .blocked("approval gates need `warden approve`, which this build does not have yet")
            switch decision {
            case .approved:
                stepReport.summary = "approved"
                approvalToCheck = step.id
            case let .blocked(reason):
                stepReport.status = .failed
                stepReport.summary = "not approved: \(reason)"
                stop(.blocked, "step '\(step.id)': \(stepReport.summary)")
            }
            return stepReport
        case let .pause(pause):
            if let skipped = hostlessSkip(step, probes: probes) { return skipped }
            do {
                try await context.clock.sleep(for: pause.duration)
                stepReport.summary = "paused \(DurationText.format(pause.duration))"
            } catch {
                stepReport.status = .failed
                stepReport.summary = "interrupted while pausing"
            }
            return stepReport
        case let .wait(wait):
            return await executeWait(step, wait: wait)
        case .run, .check, .collect:
            return await executeOnHosts(step, probes: probes)
        }
    }

    /// A host-less step's `when`: the skipped report when it is false.
    private mutating func hostlessSkip(_ step: Step, probes: [String: RecordSet]) -> StepReport? {
        guard let when = step.when else { return nil }
        let environment = context.environment(scope: step.scope, host: nil, steps: stepRecords, probes: probes)
        switch ConditionEvaluation.evaluate(when, in: environment) {
        case .success(true):
            return nil
        case .success(false):
            stepRecords[step.id] = RecordSet(hosts: [], status: "skipped")
            return StepReport(id: step.id, kind: step.kind.keyword, mutating: false, status: .skipped, summary: "when \(when.text) is false")
        case let .failure(error):
            return StepReport(id: step.id, kind: step.kind.keyword, mutating: false, status: .failed,
                              summary: context.redactor.redact("when cannot be evaluated: \(error.description)"))
        }
    }

    /// Named probes the step's expressions read, taken now: a condition is
    /// decided on the hosts' state at the moment the step starts. What was
    /// taken before the run's first change is there too, as `.before`.
    mutating func freshProbes(readBy step: Step) async -> [String: RecordSet] {
        var records: [String: RecordSet] = [:]
        for expression in step.expressionsReadingRecords {
            for name in context.probesReadNow(by: expression, scope: step.scope) where records[name] == nil {
                guard let spec = context.runbook.probe(named: name) else { continue }
                let sample = await ProbeTaking.take(spec, label: name, context: context, transport: transport, concurrency: concurrency)
                if let taken = sample.records { records[name] = taken }
            }
        }
        for (name, before) in probesBefore {
            records[name] = records[name]?.with(before: before) ?? RecordSet.onlyBefore(before)
        }
        return records
    }

    /// Takes every probe some step reads as `probes.<name>.before`, before the
    /// first step: the reason the run cannot start when one gives no data.
    mutating func takeProbesBefore() async -> String? {
        var names: [String] = []
        for step in context.runbook.allSteps {
            for expression in step.expressionsReadingRecords {
                for name in context.probesReadBefore(by: expression, scope: step.scope) where !names.contains(name) { names.append(name) }
            }
        }
        for name in names {
            guard let spec = context.runbook.probe(named: name) else { continue }
            let sample = await ProbeTaking.take(spec, label: name, context: context, transport: transport, concurrency: concurrency)
            guard let records = sample.records else {
                return "probe '\(name)' (read as probes.\(name).before) gave no data before the first change: "
                    + context.redactor.redact(sample.failures.joined(separator: "; "))
            }
            probesBefore[name] = records
        }
        return nil
    }

    /// The guards of the step's scope, evaluated now. The reason the change
    /// must not start, or nil when they all hold.
    mutating func checkGuards(for step: Step) async -> String? {
        // Guards reading one probe share one sample: a status call per guard would load the cluster for nothing.
        var samples: [String: ProbeTaking.Sample] = [:]
        for guardSpec in context.runbook.guards(protecting: step.scope) {
            guard let spec = context.runbook.probe(for: guardSpec.probe) else { return "guard at \(guardSpec.location): its probe is not defined" }
            let sample: ProbeTaking.Sample
            if let taken = samples[spec.name] {
                sample = taken
            } else {
                sample = await ProbeTaking.take(spec, label: spec.name, context: context, transport: transport, concurrency: concurrency)
                samples[spec.name] = sample
            }
            guard let records = sample.records else {
                return "guard at \(guardSpec.location) cannot be checked: " + sample.failures.joined(separator: "; ")
            }
            let (status, details) = ProbeCondition.evaluate(guardSpec.expect, over: records, probe: spec, scope: guardSpec.scope,
                                                            context: context, any: false)
            if status != .holds {
                let why = guardSpec.message.map { " (\($0))" } ?? ""
                return "guard at \(guardSpec.location) \(status == .fails ? "fails" : "cannot be checked")\(why): \(guardSpec.expect.text); "
                    + details.joined(separator: "; ")
            }
        }
        return nil
    }

    /// `wait`: poll until the condition holds `consecutive` times in a row.
    private mutating func executeWait(_ step: Step, wait: WaitSpec) async -> StepReport {
        var stepReport = StepReport(id: step.id, kind: "wait", mutating: false, status: .ok, summary: "")
        let outcome = await poll(wait, scope: step.scope)
        stepReport.summary = outcome.summary
        if let records = outcome.records {
            stepRecords[step.id] = RecordSet(hosts: records.hosts, status: "ok")
        } else {
            stepReport.status = .failed
            stepRecords[step.id] = RecordSet(hosts: [], status: "failed")
        }
        return stepReport
    }

    /// What polling a `wait:` came to: the last sample when the condition
    /// held (nil when it did not in time), and a sentence saying so.
    struct PollOutcome {
        let records: RecordSet?
        let summary: String
    }

    /// Polls the wait's probe until its condition holds `consecutive` times
    /// in a row, or its timeout: a `wait` step and a step's `between_batches`
    /// gate wait the same way.
    mutating func poll(_ wait: WaitSpec, scope: Int) async -> PollOutcome {
        guard let spec = context.runbook.probe(for: wait.probe) else {
            return PollOutcome(records: nil, summary: "its probe is not defined")
        }
        let clock = context.clock
        let limit: Duration
        switch wait.timeout {
        case let .duration(duration): limit = duration
        case .window: limit = context.window?.workRemaining(at: context.now()) ?? .zero
        }
        let deadline = clock.instant + limit
        var streak = 0
        var polls = 0
        var last = ""
        while true {
            polls += 1
            let sample = await ProbeTaking.take(spec, label: spec.name, context: context, transport: transport, concurrency: concurrency)
            if let records = sample.records {
                let (status, details) = ProbeCondition.evaluate(wait.until, over: records, probe: spec, scope: scope,
                                                                context: context, any: false, steps: stepRecords)
                streak = status == .holds ? streak + 1 : 0
                last = details.joined(separator: "; ")
                if streak >= wait.consecutive {
                    return PollOutcome(records: records,
                                       summary: "\(wait.until.text) held \(streak) time(s) in a row after \(polls) poll(s)")
                }
            } else {
                streak = 0
                last = sample.failures.joined(separator: "; ")
            }
            if Task.isCancelled || clock.instant + wait.every > deadline {
                let ran = wait.timeout == .window
                    ? "the window's time for steps ran out (the rest is kept for cleanup) after \(polls) poll(s)"
                    : "timed out after \(polls) poll(s)"
                return PollOutcome(records: nil, summary: (Task.isCancelled ? "interrupted" : ran) + "; last: \(last)")
            }
            try? await clock.sleep(for: wait.every)
        }
    }
}
