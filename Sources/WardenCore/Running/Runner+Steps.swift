import Foundation

/// Executing one step of each kind.
extension Runner {
    /// Runs `step` as `decided` (decided now when not given).
    mutating func execute(_ step: Step, decided given: DecidedStep? = nil) async -> StepReport {
        var stepReport = StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating, status: .ok, summary: "")
        let decided: DecidedStep
        if let given { decided = given } else { decided = await decide(step) }
        switch step.kind {
        case let .approve(approval):
            if let blocked = hostlessSkip(decided) { return blocked }
            let decision = await approvals?(step, approval) ?? .blocked("this run was started without a way to reach approvers (an engine test without a gate)")
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
            if let skipped = hostlessSkip(decided) { return skipped }
            do {
                try await context.clock.sleep(for: pause.duration)
                stepReport.summary = "paused \(DurationText.format(pause.duration))"
            } catch {
                stepReport.status = .failed
                stepReport.summary = "interrupted while pausing"
            }
            return stepReport
        case let .wait(wait):
            if let skipped = hostlessSkip(decided) { return skipped }
            return await executeWait(step, wait: wait)
        case let .report(report):
            if let skipped = hostlessSkip(decided) { return skipped }
            return await executeReport(step, report: report)
        case .run, .check, .collect:
            return await executeOnHosts(decided)
        }
    }

    /// Makes a report's files from the records so far and writes them into the run's artifact folder.
    private mutating func executeReport(_ step: Step, report: ReportSpec) async -> StepReport {
        var stepReport = StepReport(id: step.id, kind: step.kind.keyword, mutating: false, status: .ok, summary: "")
        let environment = context.environment(scope: step.scope, host: nil, steps: stepRecords, probes: decidedProbes[step.id] ?? [:])
        do {
            let files = try ReportWriting.render(report, in: environment, redactor: context.redactor)
            let written = try await ReportWriting.write(files, into: artifacts)
            stepReport.summary = "wrote " + written.files.map { "\(written.folder)/\($0.name) (\($0.bytes) bytes)" }.joined(separator: ", ")
            stepReport.text = files.first { $0.name.hasSuffix(".md") }.map { String(decoding: $0.contents, as: UTF8.self) }
            stepRecords[step.id] = RecordSet(hosts: [], status: "ok")
        } catch let error as LocatedError {
            stepReport.status = .failed
            stepReport.summary = "the report cannot be made: \(error.description)"
        } catch {
            stepReport.status = .failed
            stepReport.summary = "the report cannot be written: \(error)"
        }
        return stepReport
    }

    /// Decides `step` (`StepDecider`) on the records so far and its probes taken now.
    mutating func decide(_ step: Step) async -> DecidedStep {
        let probes = await freshProbes(readBy: step)
        decidedProbes[step.id] = probes
        return StepDecider.decide(step, context: context, steps: stepRecords, probes: probes, doneBefore: resume?.doneHosts[step.id] ?? [])
    }

    /// A host-less step's `when`: the skipped (or failed) report when it does not happen.
    private mutating func hostlessSkip(_ decided: DecidedStep) -> StepReport? {
        let step = decided.step
        switch decided.verdict {
        case .acts, .doneBefore:
            return nil
        case let .skipped(reason):
            stepRecords[step.id] = RecordSet(hosts: [], status: "skipped")
            return StepReport(id: step.id, kind: step.kind.keyword, mutating: false, status: .skipped, summary: reason)
        case let .failed(reason):
            return StepReport(id: step.id, kind: step.kind.keyword, mutating: false, status: .failed, summary: reason)
        }
    }

    /// Named probes the step's parts read, taken now: a step is decided on
    /// the hosts' state at the moment it starts (`StepDecider.probesTakenAtStart`).
    /// What was taken before the run's first change is there too, as `.before`.
    mutating func freshProbes(readBy step: Step) async -> [String: RecordSet] {
        var records: [String: RecordSet] = [:]
        var source = FreshProbes(context: context, transport: transport, concurrency: concurrency)
        for name in StepDecider.probesTakenAtStart(of: step, context: context) {
            guard let spec = context.runbook.probe(named: name) else { continue }
            if let taken = await source.sample(spec, key: name).records { records[name] = taken }
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

    /// The guards of the step, evaluated now on fresh samples. The reason
    /// the change must not start, or nil when they all hold.
    mutating func checkGuards(for step: Step) async -> String? {
        var source = FreshProbes(context: context, transport: transport, concurrency: concurrency)
        let outcomes = await GuardCheck.check(GuardCheck.guards(for: step, in: context.runbook), context: context, source: &source,
                                              untilBlocked: true)
        return GuardCheck.blocked(outcomes)
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
