/// Planning one step: per host, whether it runs, and for read-only steps
/// taken before any change, what it finds.
extension Planner {
    mutating func planStep(_ step: Step) async -> PlannedStep {
        stepNumber += 1
        var planned = PlannedStep(
            number: stepNumber, id: step.id, kind: step.kind.keyword, mutating: step.isMutating, target: step.target,
            location: step.location.description, status: .willRun, summary: "")
        let hosts = context.hosts(of: step.target)

        if let stoppedBy, !step.isCleanup {
            planned.status = .notReached
            planned.summary = "not reached: \(stoppedBy)"
            planned.hosts = hosts.map { host in
                let line = try? render(step, on: host)
                hashCommand(step, host: host.name, line: line)
                noteSecretLookalikes(step, on: host.name, in: environment(of: step, on: host))
                return PlannedHost(host: host.name, status: .notReached, command: line, reason: nil, waitsOn: nil)
            }
            unknownSteps[step.id] = step.id
            return planned
        }

        var waitsOn = await dependency(of: step)
        if let wait = waitsOn, wait.step == nil, transport == nil {
            waitsOn = (nil, wait.reason)
        }
        switch step.kind {
        case .approve, .pause, .report:
            planHostless(step, waitsOn: waitsOn, into: &planned)
        case .wait:
            await planWait(step, waitsOn: waitsOn, into: &planned)
        case .run, .check, .collect:
            await planOnHosts(step, hosts: hosts, waitsOn: waitsOn, into: &planned)
        }
        if step.serial != nil {
            // `planOnHosts` split the hosts the step acts on as the runner splits them (`StepDecider`).
            if (planned.batches?.count ?? 0) > 1 {
                var checks: [String] = []
                if let pause = step.batchPause { checks.append("pause \(DurationText.format(pause))") }
                if let gate = step.betweenBatches {
                    checks.append("wait until \(gate.wait.until.text) (probe \(context.runbook.probe(for: gate.wait.probe)?.name ?? "?"))")
                }
                if !GuardCheck.guards(for: step, in: context.runbook).isEmpty { checks.append("guards re-checked") }
                if !checks.isEmpty { planned.betweenBatches = checks.joined(separator: ", ") }
            }
        }
        return planned
    }

    /// Why a step's data is not known during planning: the step it waits on
    /// (nil: none, but the plan is offline), and a sentence saying so.
    typealias Dependency = (step: String?, reason: String)

    /// The earliest unknown step the step's expressions and commands read, or
    /// the change that made its probes stale. These are the parts the step is
    /// decided on, and for a read-only step (which the plan runs) also those
    /// that judge its output: their probes are taken here, once.
    private mutating func dependency(of step: Step) async -> Dependency? {
        let expressions = step.expressionsDeciding + (step.isMutating ? [] : step.expressionsJudging)
        for expression in expressions {
            for id in context.stepsRead(by: expression, scope: step.scope) {
                if let waits = unknownSteps[id] {
                    return (waits, "depends on step '\(waits)', which has not run yet")
                }
            }
        }
        for expression in expressions {
            let now = context.probesReadNow(by: expression, scope: step.scope)
            for name in context.probesRead(by: expression, scope: step.scope) {
                // `probes.<name>.before` is the sample before the run's first change: the one the plan takes.
                if let changedBy, now.contains(name) {
                    return (changedBy, "reads probe '\(name)', which is taken after step '\(changedBy)' changes the hosts")
                }
                guard let spec = context.runbook.probe(named: name) else { continue }
                let (records, failures) = await take(spec, key: name)
                if records == nil {
                    if transport == nil { return (nil, "reads probe '\(name)'; probes are not run offline") }
                    return (nil, "probe '\(name)' gave no data: " + failures.joined(separator: "; "))
                }
            }
        }
        return nil
    }

    private func render(_ step: Step, on host: InventoryHost) throws(LocatedError) -> String? {
        guard let command = step.command else { return nil }
        return context.redactor.redact(try command.render(in: environment(of: step, on: host)))
    }

    func environment(of step: Step, on host: InventoryHost) -> ExpressionEnvironment {
        context.environment(scope: step.scope, host: host, steps: stepRecords, probes: probeRecords)
    }

    mutating func hashCommand(_ step: Step, host: String, line: String?, runAs: BecomeSpec? = nil) {
        hash.add("step", step.id, host, line ?? ("template: " + (step.command?.text ?? step.kind.keyword)))
        // Who it runs as is part of what was approved: an inventory that later adds `become: root`
        // changes the plan. Added only when set, so plans without `become` keep their hashes.
        if let runAs { hash.add("run-as", step.id, host, runAs.description) }
    }

    /// `approve`, `pause` and `report`: they touch no host.
    private mutating func planHostless(_ step: Step, waitsOn: Dependency?, into planned: inout PlannedStep) {
        var what: String
        switch step.kind {
        case let .approve(approval):
            let from = approval.approvers.isEmpty ? "" : " from \(approval.approvers.joined(separator: ", "))"
            what = "waits for \(approval.quorum) approval\(approval.quorum == 1 ? "" : "s")\(from) of this plan (timeout \(DurationText.format(approval.timeout)))"
            if context.runbook.allowSelfApproval { what += "; the initiator may approve" }
        case let .pause(pause):
            what = "pauses \(DurationText.format(pause.duration))" + (pause.reason.map { ": \($0)" } ?? "")
        case let .report(report):
            let name = (try? report.name.renderText(in: context.environment(scope: step.scope, host: nil))) ?? report.name.text
            what = "writes \(report.files(named: name).joined(separator: " and ")) into the run's artifact folder (on this machine; nothing is sent to a host)"
        default:
            what = step.kind.keyword
        }
        hash.add("step", step.id, what)
        guard let when = step.when else {
            planned.status = .willHappen
            planned.summary = what
            return
        }
        if let waitsOn {
            planned.status = .unknown
            planned.summary = "\(what), if \(when.text): unknown, \(waitsOn.reason)"
            return
        }
        _ = decideWhen(step, summary: what, into: &planned)
    }

    /// A host-less step's `when`, decided as the run decides it: false skips
    /// it, an error fails the plan. Whether the step happens.
    private mutating func decideWhen(_ step: Step, summary what: String, into planned: inout PlannedStep) -> Bool {
        switch StepDecider.decide(step, context: context, steps: stepRecords, probes: probeRecords).verdict {
        case .acts, .doneBefore:
            planned.status = .willHappen
            planned.summary = what
            return true
        case let .skipped(reason):
            planned.status = .skipped
            planned.summary = "skipped: \(reason)"
            stepRecords[step.id] = RecordSet(hosts: [], status: "skipped")
        case let .failed(reason):
            planned.status = .failed
            planned.summary = reason
            stop(.fails, "step '\(step.id)': \(planned.summary)")
        }
        return false
    }

    /// `wait`: what it polls, and whether its condition holds now.
    private mutating func planWait(_ step: Step, waitsOn: Dependency?, into planned: inout PlannedStep) async {
        guard case let .wait(wait) = step.kind else { return }
        let timeout: String
        switch wait.timeout {
        case let .duration(duration): timeout = DurationText.format(duration)
        case .window: timeout = "the end of the window"
        }
        let probeName = resolve(wait.probe).map { $0.spec.name.isEmpty ? "an inline probe" : "probe '\($0.spec.name)'" } ?? "a probe"
        var summary = "polls \(probeName) every \(DurationText.format(wait.every)) until \(wait.until.text)"
            + (wait.consecutive > 1 ? " (\(wait.consecutive) times in a row)" : "") + ", for at most \(timeout)"
        hash.add("step", step.id, summary)
        if let when = step.when {
            if let waitsOn {
                unknownSteps[step.id] = step.id
                planned.status = .unknown
                planned.summary = "\(summary), if \(when.text): unknown, \(waitsOn.reason)"
                return
            }
            guard decideWhen(step, summary: summary, into: &planned) else { return }
        }
        unknownSteps[step.id] = step.id
        planned.status = .willHappen
        if let changedBy {
            summary += "; its data is read after step '\(changedBy)' changes the hosts"
        } else if waitsOn == nil, transport != nil {
            let (status, details) = await evaluate(wait.until, on: wait.probe, scope: step.scope)
            summary += status == .holds ? "; holds now" : "; now: " + details.joined(separator: "; ")
        }
        planned.summary = summary
    }
}
