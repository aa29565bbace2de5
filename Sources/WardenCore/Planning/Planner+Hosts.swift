/// Planning a step that runs on hosts (`run`, `check`, `collect`).
extension Planner {
    mutating func planOnHosts(_ step: Step, hosts: [InventoryHost], waitsOn: Dependency?, into planned: inout PlannedStep) async {
        var planHosts: [PlannedHost] = []
        var failure: String?
        var decision: DecidedStep?
        if let waitsOn {
            // Nothing of it can be decided before what it waits on is known.
            for host in hosts {
                var entry = PlannedHost(host: host.name, status: .unknown, command: nil, undo: nil, reason: waitsOn.reason,
                                        waitsOn: waitsOn.step)
                // Who it will run as is known already, and part of what an approver approves.
                entry.runAs = step.becomeSpec(on: host)?.description
                planHosts.append(entry)
                hashCommand(step, host: host.name, line: nil, runAs: step.becomeSpec(on: host))
            }
            // The hosts it acts on are its target's unless `when`, which waits too, leaves some out.
            if step.serial != nil, step.when == nil { planned.batches = HostBatches.split(hosts.map(\.name), serial: step.serial) }
        } else {
            // Decided as the run decides it: `when`, then what it sends, its undo and its deadman's revert.
            let decided = StepDecider.decide(step, context: context, steps: stepRecords, probes: probeRecords)
            decision = decided
            for host in decided.hosts {
                var entry = PlannedHost(host: host.host.name, status: .willRun, command: host.command.map { context.redactor.redact($0.line) },
                                        undo: host.undo.map { context.redactor.redact($0.line) }, reason: nil, waitsOn: nil)
                entry.deadman = step.deadman?.command == nil ? nil : host.deadman.map(context.redactor.redact)
                entry.runAs = step.becomeSpec(on: host.host)?.description
                switch host.verdict {
                case .acts, .doneBefore:
                    break
                case let .skipped(reason):
                    entry.status = .skipped
                    entry.reason = reason
                case let .failed(reason):
                    entry.status = .failed
                    entry.reason = reason
                    failure = failure ?? "step '\(step.id)' on \(host.host.name): \(reason)"
                }
                if entry.status != .skipped {
                    hashCommand(step, host: host.host.name, line: entry.command, runAs: step.becomeSpec(on: host.host))
                    noteSecretLookalikes(step, on: host.host.name, in: environment(of: step, on: host.host))
                }
                planHosts.append(entry)
            }
            // Split as the run splits them: the hosts this decision acts on, whatever the plan then finds running the reads.
            if step.serial != nil, failure == nil { planned.batches = decided.batches.map { $0.map(\.host.name) } }
        }
        planned.hosts = planHosts
        if let failure {
            planned.status = .failed
            planned.summary = failure
            stop(.fails, failure)
            unknownSteps[step.id] = step.id
            return
        }
        let active = planHosts.filter { $0.status == .willRun || $0.status == .unknown }
        if active.isEmpty {
            planned.status = .skipped
            planned.summary = hosts.isEmpty ? "skipped: no hosts" : "skipped on every host"
            stepRecords[step.id] = RecordSet(hosts: [], status: "skipped", outcomes: HostOutcomeNote.notes(planHosts))
            return
        }
        // A scope that changes nothing has its guards checked before its first step on hosts (`GuardCheck`).
        if !step.isMutating, await guardsBlock(step, into: &planned) { return }
        if step.isMutating {
            await planChange(step, active: active.count, into: &planned)
        } else if case .collect = step.kind {
            planned.status = active.contains { $0.status == .unknown } ? .unknown : .willRun
            planned.summary = "fetches \(planHosts.first?.command?.split(separator: "\n").count ?? 0) path(s) from \(active.count) host\(active.count == 1 ? "" : "s") into the run's artifact folder"
            unknownSteps[step.id] = step.id
        } else if let decision {
            await planRead(decision, into: &planned)
        } else {
            // What it would read depends on a step the plan cannot run: it neither passes nor fails now.
            planned.status = .unknown
            planned.summary = "reads \(active.count) host\(active.count == 1 ? "" : "s"); \(waitsOn?.reason ?? "not known yet")"
            unknownSteps[step.id] = waitsOn?.step ?? step.id
        }
    }

    /// A mutating step with hosts to change: the guards first (before the
    /// first change), then it is a change the plan holds back.
    private mutating func planChange(_ step: Step, active: Int, into planned: inout PlannedStep) async {
        if await guardsBlock(step, into: &planned) { return }
        let guards = GuardCheck.guards(for: step, in: context.runbook)
        let unknown = planned.hosts.contains { $0.status == .unknown }
        planned.status = unknown ? .unknown : .willRun
        var summary = unknown ? "may change" : "will change"
        summary += " \(active) host\(active == 1 ? "" : "s")"
        if !guards.isEmpty {
            summary += changedBy == nil ? " (guards hold now; re-checked right before)" : " (guards re-checked right before)"
        }
        if step.isCleanup { summary += " (cleanup: runs whatever ends the run)" }
        planned.summary = summary
        changedBy = changedBy ?? step.id
        unknownSteps[step.id] = step.id
    }

    /// A read-only command: run for real when the hosts are still as the run
    /// will find them, else shown as unknown until the change before it.
    private mutating func planRead(_ decision: DecidedStep, into planned: inout PlannedStep) async {
        let step = decision.step
        guard changedBy == nil, let transport else {
            let reason = changedBy.map { "read after step '\($0)' changes the hosts" } ?? "offline: not run"
            for index in planned.hosts.indices where planned.hosts[index].status == .willRun {
                planned.hosts[index].status = .unknown
                planned.hosts[index].reason = reason
                planned.hosts[index].waitsOn = changedBy
            }
            planned.status = .unknown
            planned.summary = "reads \(planned.hosts.filter { $0.status == .unknown }.count) host(s); \(reason)"
            unknownSteps[step.id] = changedBy ?? step.id
            return
        }
        // Exactly what the run will send (the decision's commands), on the hosts it acts on; `planned.hosts` is in the decision's order.
        let toRun = decision.hosts.enumerated().filter { $0.element.acts }
        let context = self.context
        let outcomes = await ConcurrentMap.map(toRun, limit: concurrency) { index, decided in
            (index, decided.host, await CommandAttempt.run(decided.sent, on: decided.host, timeout: step.timeout, parser: step.parser,
                                                           transport: transport, become: context.remoteBecome(step, on: decided.host)))
        }
        var ran: [(name: String, record: HostRecord)] = []
        var failures: [String] = []
        var retried = false
        for (index, host, outcome) in outcomes {
            let name = host.name
            let verdict = OutcomeJudgement.judge(step, host: host, outcome: outcome, context: context, steps: stepRecords, probes: probeRecords)
            // no_log: later steps see in the plan what they will see in the run, the exit status only.
            if let record = verdict.record { ran.append((name, step.noLog ? record.withholdingOutput : record)) }
            if let problem = verdict.problem {
                if step.retries > 0 {
                    planned.hosts[index].status = .unknown
                    planned.hosts[index].reason = "fails now (\(problem)); the run tries \(step.retries) more time\(step.retries == 1 ? "" : "s")"
                    retried = true
                } else {
                    planned.hosts[index].status = .failed
                    planned.hosts[index].reason = problem
                    failures.append("\(name): \(problem)")
                }
            } else {
                planned.hosts[index].status = .passed
            }
        }
        if !failures.isEmpty {
            planned.status = .failed
            planned.summary = "fails now on " + failures.joined(separator: "; ")
            stepRecords[step.id] = RecordSet(hosts: ran, status: "failed", outcomes: HostOutcomeNote.notes(planned.hosts))
            if step.onError != .continue {
                stop(.fails, "step '\(step.id)' \(planned.summary)")
            } else {
                noteFailure("step '\(step.id)' \(planned.summary) (on_error: continue)")
            }
        } else if retried {
            planned.status = .unknown
            planned.summary = "does not hold yet on every host; the run retries"
            unknownSteps[step.id] = step.id
        } else {
            planned.status = .passed
            planned.summary = "ran now (read-only): holds on \(ran.count) host\(ran.count == 1 ? "" : "s")"
            stepRecords[step.id] = RecordSet(hosts: ran, status: "ok", outcomes: HostOutcomeNote.notes(planned.hosts))
        }
    }

    /// The step's guards the plan has not evaluated yet, checked now, as the
    /// run checks them before the step: before the first change, or before
    /// the first step of a scope that changes nothing. Offline they are
    /// shown unchecked. True when they block; `planned` then says so.
    private mutating func guardsBlock(_ step: Step, into planned: inout PlannedStep) async -> Bool {
        let guards = GuardCheck.guards(for: step, in: context.runbook).filter { !evaluatedGuards.contains($0.identity) }
        // After the first change the plan no longer knows the hosts' state: later guards are the run's to check.
        guard changedBy == nil, !guards.isEmpty else { return false }
        guard transport != nil else {
            // Offline, guards cannot be read: they neither pass nor block.
            plan.guards += guards.map { shown($0, status: .unknown, details: ["offline: not checked"]) }
            evaluatedGuards.formUnion(guards.map(\.identity))
            return false
        }
        guard let blocked = await checkGuards(guards) else { return false }
        stop(.blocked, blocked)
        planned.status = .notReached
        planned.summary = "not reached: \(blocked)"
        for index in planned.hosts.indices where planned.hosts[index].status != .skipped {
            planned.hosts[index].status = .notReached
        }
        planned.batches = nil
        unknownSteps[step.id] = step.id
        return true
    }
}
