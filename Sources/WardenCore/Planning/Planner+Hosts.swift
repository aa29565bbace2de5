/// Planning a step that runs on hosts (`run`, `check`, `collect`).
extension Planner {
    mutating func planOnHosts(_ step: Step, hosts: [InventoryHost], waitsOn: Dependency?, into planned: inout PlannedStep) async {
        // Decide per host: when, then the command line.
        var decided: [PlannedHost] = []
        var failure: String?
        for host in hosts {
            var entry = PlannedHost(host: host.name, status: .willRun, command: nil, undo: nil, reason: nil, waitsOn: nil)
            let environment = context.environment(scope: step.scope, host: host, steps: stepRecords, probes: probeRecords)
            if let waitsOn {
                entry.status = .unknown
                entry.reason = waitsOn.reason
                entry.waitsOn = waitsOn.step
            } else if let when = step.when {
                switch ConditionEvaluation.evaluate(when, in: environment) {
                case .success(true):
                    break
                case .success(false):
                    entry.status = .skipped
                    entry.reason = "when \(when.text) is false"
                case let .failure(error):
                    entry.status = .failed
                    entry.reason = context.redactor.redact("when cannot be evaluated: \(error.description)")
                    failure = failure ?? "step '\(step.id)' on \(host.name): \(entry.reason ?? "")"
                }
            }
            if waitsOn == nil {
                do {
                    entry.command = try step.renderedCommand(in: environment).map { context.redactor.redact($0.line) }
                    if let undo = step.undo {
                        entry.undo = context.redactor.redact(try undo.render(in: environment))
                    }
                } catch {
                    if entry.status != .skipped {
                        entry.status = .failed
                        entry.reason = context.redactor.redact("cannot render the command: \(error.description)")
                        failure = failure ?? "step '\(step.id)' on \(host.name): \(entry.reason ?? "")"
                    }
                }
            }
            if entry.status != .skipped {
                hashCommand(step, host: host.name, line: entry.command)
                if waitsOn == nil { noteSecretLookalikes(step, on: host.name, in: environment) }
            }
            decided.append(entry)
        }
        planned.hosts = decided
        if let failure {
            planned.status = .failed
            planned.summary = failure
            stop(.fails, failure)
            unknownSteps[step.id] = step.id
            return
        }
        let active = decided.filter { $0.status == .willRun || $0.status == .unknown }
        if active.isEmpty {
            planned.status = .skipped
            planned.summary = hosts.isEmpty ? "skipped: no hosts" : "skipped on every host"
            stepRecords[step.id] = RecordSet(hosts: [], status: "skipped", outcomes: HostOutcomeNote.notes(decided))
            return
        }
        if step.isMutating {
            await planChange(step, active: active.count, into: &planned)
        } else if case .collect = step.kind {
            planned.status = active.contains { $0.status == .unknown } ? .unknown : .willRun
            planned.summary = "fetches \(decided.first?.command?.split(separator: "\n").count ?? 0) path(s) from \(active.count) host\(active.count == 1 ? "" : "s") into the run's artifact folder"
            unknownSteps[step.id] = step.id
        } else {
            await planRead(step, hosts: hosts, into: &planned)
        }
    }

    /// A mutating step with hosts to change: the guards first (before the
    /// first change), then it is a change the plan holds back.
    private mutating func planChange(_ step: Step, active: Int, into planned: inout PlannedStep) async {
        let guards = GuardCheck.guards(for: step, in: context.runbook)
        if !guardsEvaluated, changedBy == nil, !guards.isEmpty {
            if transport == nil {
                // Offline, guards cannot be read: they neither pass nor block.
                plan.guards = guards.map {
                    PlanGuard(location: $0.location.description, expect: $0.expect.text, status: .unknown, details: ["offline: not checked"])
                }
                guardsEvaluated = true
            } else if let blocked = await checkGuards(before: step) {
                stop(.blocked, blocked)
                planned.status = .notReached
                planned.summary = "not reached: \(blocked)"
                for index in planned.hosts.indices where planned.hosts[index].status != .skipped {
                    planned.hosts[index].status = .notReached
                }
                unknownSteps[step.id] = step.id
                return
            }
        }
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
    private mutating func planRead(_ step: Step, hosts: [InventoryHost], into planned: inout PlannedStep) async {
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
        let toRun = planned.hosts.enumerated().filter { $0.element.status == .willRun }
        let byName = Dictionary(hosts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let context = self.context
        let records = stepRecords, probes = probeRecords
        let outcomes = await ConcurrentMap.map(toRun, limit: concurrency) { index, entry -> (Int, CommandAttempt.Outcome?) in
            guard let host = byName[entry.host], let command = try? step.command?.renderCommand(
                in: context.environment(scope: step.scope, host: host, steps: records, probes: probes)) else { return (index, nil) }
            return (index, await CommandAttempt.run(command, on: host, timeout: step.timeout, parser: step.parser, transport: transport))
        }
        var ran: [(name: String, record: HostRecord)] = []
        var failures: [String] = []
        var retried = false
        for (index, outcome) in outcomes {
            let name = planned.hosts[index].host
            let verdict = outcome.map {
                OutcomeJudgement.judge(step, host: byName[name], outcome: $0, context: context, steps: stepRecords, probes: probeRecords)
            } ?? OutcomeJudgement.Verdict(record: nil, problem: "cannot render the command", untilOnly: false)
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
}
