import Foundation

/// Executing a step that runs on hosts: per host decisions, batches,
/// tolerated failures, attempts with retries.
extension Runner {
    mutating func executeOnHosts(_ decided: DecidedStep) async -> StepReport {
        let step = decided.step
        var stepReport = StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating, status: .ok, summary: "")
        switch step.kind {
        case .check where step.parser == nil, .collect: stepReport.showsOutput = true
        default: break
        }
        let hosts = decided.hosts.map(\.host)
        let active = decided.acting
        let doneBefore = Set(decided.hosts.filter { $0.verdict == .doneBefore }.map(\.host.name))
        for host in decided.hosts {
            switch host.verdict {
            case .acts:
                continue
            case .doneBefore:
                stepReport.hosts.append(HostReport(host: host.host.name, status: .ok, command: nil, exit: nil, attempts: 0,
                                                   reason: "done before the resume"))
            case let .skipped(reason):
                stepReport.hosts.append(HostReport(host: host.host.name, status: .skipped, command: nil, exit: nil, attempts: 0, reason: reason))
            case let .failed(reason):
                stepReport.hosts.append(HostReport(host: host.host.name, status: .failed, command: nil, exit: nil, attempts: 0, reason: reason))
            }
        }
        // Decisions are part of the record: a host left out by `when` is journaled as skipped.
        for hostReport in stepReport.hosts where !doneBefore.contains(hostReport.host) {
            recorder?.outcome(step, report: hostReport, record: nil)
        }
        if stepReport.hosts.contains(where: { $0.status == .failed }) {
            stepReport.status = .failed
            stepReport.summary = stepReport.hosts.filter { $0.status == .failed }.map { "\($0.host): \($0.reason ?? "")" }.joined(separator: "; ")
            return finish(step, stepReport, ran: [])
        }
        guard !active.isEmpty else {
            if !doneBefore.isEmpty, stepReport.hosts.allSatisfy({ $0.status == .ok || $0.status == .skipped }) {
                stepReport.summary = "done before the resume"
                return stepReport
            }
            stepReport.status = .skipped
            stepReport.summary = hosts.isEmpty ? "no hosts" : "skipped on every host"
            stepRecords[step.id] = RecordSet(hosts: [], status: "skipped", outcomes: HostOutcomeNote.notes(stepReport.hosts))
            return stepReport
        }
        // Every change after an approval, not only the first, must be what the approvers saw.
        if step.isMutating, !step.isCleanup, let gate = approvalToCheck {
            if let changed = planChange(step, active: active) {
                stepReport.status = .failed
                stepReport.summary = "not started: the plan changed since it was approved at '\(gate)': \(changed); a new approval is needed"
                stop(.blocked, "step '\(step.id)' \(stepReport.summary)")
                return stepReport
            }
        }
        if let blocked = await checkGuards(for: step) {
            stepReport.status = .failed
            stepReport.summary = "not started: \(blocked)"
            for host in active {
                stepReport.hosts.append(HostReport(host: host.host.name, status: .notRun, command: context.redactor.redact(host.line),
                                                   exit: nil, attempts: 0, reason: "guard failed"))
            }
            stop(completedChanges.isEmpty ? .blocked : .failed, "step '\(step.id)' \(stepReport.summary)")
            return stepReport
        }

        let batches = decided.batches
        if batches.count > 1 { stepReport.batches = batches.map { $0.map(\.host.name) } }
        let tolerated = step.maxFail?.resolved(total: active.count, atLeastOne: false) ?? 0
        var failures = 0
        var ran: [(name: String, record: HostRecord)] = []
        var changed: [InventoryHost] = []
        var index = 0
        // Why the hosts after the last batch that ran were not touched; nil: every batch ran.
        var heldBack: String?
        var guardStop: String?
        for (number, batch) in batches.enumerated() {
            if number > 0 {
                if let pause = step.batchPause { try? await context.clock.sleep(for: pause) }
                if Task.isCancelled { heldBack = "interrupted"; break }
                // The batch before may have made the cluster unhealthy: wait for it to recover, then
                // check the guards again, as before the first batch, before touching more hosts.
                if let gate = step.betweenBatches {
                    let outcome = await poll(gate.wait, scope: step.scope)
                    guard outcome.records != nil else {
                        heldBack = context.redactor.redact("between_batches before batch \(number + 1) of \(batches.count): \(gate.wait.until.text) did not hold: \(outcome.summary)")
                        break
                    }
                }
                if let blocked = await checkGuards(for: step) {
                    heldBack = "guard failed before batch \(number + 1) of \(batches.count)"
                    guardStop = "before batch \(number + 1) of \(batches.count): \(blocked)"
                    break
                }
            }
            index += batch.count
            let results = await runBatch(step, batch, probes: decided.probes)
            for result in results {
                let host = result.host
                var hostReport = result.report
                if let journalProblem = result.journalProblem { journalFailure = journalFailure ?? journalProblem }
                if let deadman = result.deadman { armedDeadmen.append(deadman) }
                if let record = result.record { ran.append((host.name, record)) }
                if hostReport.status == .failed { failures += 1 } else { changed.append(host) }
                if batches.count > 1 { hostReport.batch = number + 1 }
                stepReport.hosts.append(hostReport)
            }
            if failures > tolerated || journalFailure != nil {
                heldBack = "an earlier batch failed"
                break
            }
            if Task.isCancelled { heldBack = "interrupted"; break }
        }
        for host in active[index...] {
            stepReport.hosts.append(HostReport(host: host.host.name, status: .notRun, command: context.redactor.redact(host.line), exit: nil,
                                               attempts: 0, reason: heldBack ?? "not run"))
        }
        if step.isMutating, !changed.isEmpty { completedChanges.append((step, changed)) }
        if let guardStop {
            // As a guard failing before the first batch: the run stops, whatever `on_error` says.
            stepReport.status = .failed
            stepReport.summary = "stopped after \(changed.count) host\(changed.count == 1 ? "" : "s"): \(guardStop)"
            stop(completedChanges.isEmpty ? .blocked : .failed, "step '\(step.id)' \(stepReport.summary)")
        } else if failures == 0, index < active.count, let heldBack {
            stepReport.status = .failed
            stepReport.summary = "stopped after \(changed.count) host\(changed.count == 1 ? "" : "s"): \(heldBack)"
        } else if failures > tolerated || index < active.count {
            stepReport.status = .failed
            let failed = stepReport.hosts.filter { $0.status == .failed }
            stepReport.summary = "failed on \(failed.count) host\(failed.count == 1 ? "" : "s")"
                + (tolerated > 0 ? " (tolerated: \(tolerated))" : "") + ": "
                + failed.map { host in host.reason.map { "\(host.host) (\(HostReason.short($0, host: host.host)))" } ?? host.host }
                    .joined(separator: ", ")
        } else {
            let skipped = stepReport.hosts.filter { $0.status == .skipped }.count
            stepReport.summary = "ok on \(stepReport.hosts.count - skipped) host\(stepReport.hosts.count - skipped == 1 ? "" : "s")"
                + (skipped > 0 ? ", skipped on \(skipped)" : "") + (failures > 0 ? ", \(failures) failure(s) tolerated" : "")
        }
        return finish(step, stepReport, ran: ran)
    }

    private mutating func finish(_ step: Step, _ stepReport: StepReport, ran: [(name: String, record: HostRecord)]) -> StepReport {
        stepRecords[step.id] = RecordSet(hosts: ran, status: stepReport.status == .ok ? "ok" : "failed",
                                         outcomes: HostOutcomeNote.notes(stepReport.hosts))
        return stepReport
    }

    /// The hosts of `hosts` on which `step` runs as another user, and as whom.
    static func runAs(_ step: Step, _ hosts: [InventoryHost]) -> [String: BecomeSpec] {
        var users: [String: BecomeSpec] = [:]
        for host in hosts { users[host.name] = step.becomeSpec(on: host) }
        return users
    }

    /// One batch of hosts at once, each as decided; `probes`: the samples the step was decided on, which judge its output too.
    private func runBatch(
        _ step: Step, _ batch: [DecidedHost], probes: [String: RecordSet]
    ) async -> [HostRun] {
        let context = self.context, transport = self.transport, records = stepRecords, artifacts = self.artifacts
        let recorder = self.recorder, observer = self.observer
        // The batch's intents are durable, in one write, before anything leaves for its hosts. A batch
        // larger than the concurrency writes the intents of the hosts that start at once together, then
        // each later host's as its turn comes (those finishing together share a write: `GroupCommit`),
        // so that an intent never announces a command still queued when the controller died.
        let startingAtOnce = Array(batch.prefix(max(1, concurrency)))
        do throws(JournalError) {
            try await recorder?.intents(step, startingAtOnce.map { ($0.host.name, $0.line) }, runAs: Self.runAs(step, startingAtOnce.map(\.host)))
        } catch {
            return batch.map { decided in
                HostRun(host: decided.host,
                        report: HostReport(host: decided.host.name, status: .failed, command: context.redactor.redact(decided.line), exit: nil,
                                           attempts: 0, reason: "not run: \(error.description)"),
                        record: nil, journalProblem: error.description, deadman: nil)
            }
        }
        let journaledFirst = Set(startingAtOnce.map(\.host.name))
        return await ConcurrentMap.map(batch, limit: concurrency) { decided in
            let host = decided.host
            do throws(JournalError) {
                if !journaledFirst.contains(host.name) {
                    try await recorder?.intents(step, [(host.name, decided.line)], runAs: Self.runAs(step, [host]))
                }
            } catch {
                let report = HostReport(host: host.name, status: .failed, command: context.redactor.redact(decided.line), exit: nil,
                                        attempts: 0, reason: "not run: \(error.description)")
                observer?(.hostFinished(step: step.id, report))
                return HostRun(host: host, report: report, record: nil, journalProblem: error.description, deadman: nil)
            }
            let result = await Runner.runOnHost(step, decided, context: context, transport: transport, records: records, probes: probes,
                                                artifacts: artifacts, recorder: recorder, observer: observer)
            observer?(.hostFinished(step: step.id, result.report))
            return result
        }
    }

    /// One host of a batch (its intent journaled): deadman, the command (or fetch), outcome.
    private static func runOnHost(
        _ step: Step, _ decided: DecidedHost, context: EngineContext, transport: any HostTransport,
        records: [String: RecordSet], probes: [String: RecordSet], artifacts: String, recorder: RunRecorder?,
        observer: (@Sendable (RunEvent) -> Void)?
    ) async -> HostRun {
        let host = decided.host, command = decided.sent
        observer?(.hostStarted(step: step.id, host: host.name))
        var armed: Deadman?
        if let deadman = step.deadman, let revert = decided.deadman {
            switch await Runner.armDeadman(revert, after: deadman.after, step: step, host: host, line: command.line, context: context,
                                           transport: transport, recorder: recorder) {
            case .success(let done):
                armed = done
            case .failure(let refusal):
                return HostRun(host: host, report: refusal.report, record: nil, journalProblem: refusal.journalProblem, deadman: nil)
            }
        }
        let hostReport: HostReport
        var record: HostRecord?
        if case .collect = step.kind {
            (hostReport, record) = await Runner.collect(command.line, step: step, host: host, transport: transport, into: artifacts, context: context)
        } else {
            (hostReport, record) = await Runner.attempts(command, step: step, host: host, context: context, transport: transport, records: records,
                                                           probes: probes, recorder: recorder)
        }
        // Kept for the step's barrier (`GroupCommit`): the next intents are not durable without it.
        recorder?.outcome(step, report: hostReport, record: record)
        return HostRun(host: host, report: hostReport, record: record, journalProblem: nil, deadman: armed)
    }

    /// Why a change did not go ahead on a host: its deadman could not be armed.
    struct DeadmanRefusal: Error {
        let report: HostReport
        let journalProblem: String?
    }

    /// Arms the step's deadman on the host with `revert` (as the step decision
    /// rendered it) and journals it; a deadman that cannot be armed stops the
    /// change on that host (outcome journaled).
    static func armDeadman(
        _ revert: String, after: Duration, step: Step, host: InventoryHost, line: String, context: EngineContext,
        transport: any HostTransport, recorder: RunRecorder?
    ) async -> Result<Deadman, DeadmanRefusal> {
        let problem: String
        switch await armedDeadman(revert, after: after, step: step, host: host, context: context, transport: transport,
                                  recorder: recorder) {
        case .success(let deadman): return .success(deadman)
        case .failure(let why): problem = why.description
        }
        let report = HostReport(host: host.name, status: .failed, command: context.redactor.redact(line), exit: nil, attempts: 0,
                                reason: context.redactor.redact(problem))
        recorder?.outcome(step, report: report, record: nil)
        return .failure(DeadmanRefusal(report: report, journalProblem: nil))
    }

    /// Journals (before and after) and arms the deadman; why not, when it cannot.
    private static func armedDeadman(
        _ command: String, after: Duration, step: Step, host: InventoryHost, context: EngineContext,
        transport: any HostTransport, recorder: RunRecorder?
    ) async -> Result<Deadman, DeadmanError> {
        // The timer runs the revert long after this command's secret files are gone (validate refuses it too).
        if let hole = step.deadmanCommand?.secretFileHoles.first {
            return .failure(DeadmanError(.readsSecretFile, "not run: the deadman's command reads '{{ secret_file \(hole.description) }}', "
                                             + "but a deadman fires after the command's secret files are removed"))
        }
        let runID = recorder?.runID ?? "engine"
        do {
            // Journaled before the host arms it: a controller killed in between leaves a resume
            // that still knows where to disarm it (its firing time is known once armed).
            try await recorder?.deadman(Deadman(host: host.name, step: step.id, path: Deadman.entry(runID: runID, step: step.id), firesAt: 0),
                                        kind: .deadmanArming, detail: "reverts with: \(command)")
        } catch {
            return .failure(DeadmanError(.notJournaled, "not run: \(error.description)"))
        }
        let deadman: Deadman
        do {
            // The revert runs as the change did: a `become` step's through the same sudo, unattended (`sudo -n`).
            let revert = step.becomeSpec(on: host).map { $0.unattended(command) } ?? command
            deadman = try await Deadman.arm(revert, after: after, runID: runID, step: step.id, host: host, transport: transport,
                                            clock: context.clock)
        } catch {
            return .failure(DeadmanError(.cannotArm, "not run: no safe deadman could be armed: \(error.description)"))
        }
        do {
            try await recorder?.deadman(deadman, kind: .deadmanArmed, detail: "reverts with: \(command)")
            return .success(deadman)
        } catch {
            // Armed but not journaled: the change must not start unrecorded; the timer reverts nothing harmful.
            return .failure(DeadmanError(.notJournaled, "not run: \(error.description)"))
        }
    }

    /// The command, tried until it passes or the retries are spent.
    /// `probes`: the samples the step was decided on, which its `expect` and `until` read as the plan reads them.
    static func attempts(
        _ command: RenderedCommand, step: Step, host: InventoryHost, context: EngineContext, transport: any HostTransport,
        records: [String: RecordSet], probes: [String: RecordSet], recorder: RunRecorder? = nil
    ) async -> (HostReport, HostRecord?) {
        // A change's process group is journaled as it starts (buffered: written with the step's barrier
        // or within the recorder's flush interval), so that a resume after a crash can find it still
        // running on the host and wait for it or kill it.
        var started: (@Sendable (RemoteProcessGroup) -> Void)?
        if step.isMutating, let recorder {
            started = { group in recorder.processGroup(step, host: host.name, group) }
        }
        var attempt = 0
        while true {
            attempt += 1
            let outcome = await CommandAttempt.run(command, on: host, timeout: step.timeout, parser: step.parser, transport: transport,
                                                   become: context.remoteBecome(step, on: host), onStarted: started)
            let verdict = OutcomeJudgement.judge(step, host: host, outcome: outcome, context: context, steps: records, probes: probes)
            let shown = context.redactor.redact(command.line)
            if verdict.problem == nil || attempt > step.retries || Task.isCancelled {
                var hostReport = HostReport(host: host.name, status: verdict.problem == nil ? .ok : .failed, command: shown,
                                            exit: verdict.record?.exit, attempts: attempt, reason: verdict.problem)
                // no_log: judged on the whole output above; from here on only its exit status and digests exist.
                let record = step.noLog ? verdict.record?.withholdingOutput : verdict.record
                hostReport.output = step.noLog ? nil : record.flatMap { HostReport.excerpt(context.redactor.redact($0.stdout)) }
                if verdict.problem != nil { hostReport.failure = HostFailureKind(outcome) }
                return (hostReport, record)
            }
            try? await context.clock.sleep(for: step.delay)
        }
    }

    /// An `undo` (or any single command) once on one host.
    mutating func runOnce(_ template: Template, step: Step, host: InventoryHost, environment: ExpressionEnvironment) async -> HostReport {
        let command: RenderedCommand
        do {
            command = try template.renderCommand(in: environment)
        } catch {
            return HostReport(host: host.name, status: .failed, command: nil, exit: nil, attempts: 0,
                              reason: context.redactor.redact("cannot render: \(error.description)"))
        }
        let line = command.line
        let outcome = await CommandAttempt.run(command, on: host, timeout: step.timeout, parser: nil, transport: transport,
                                               become: context.remoteBecome(step, on: host))
        switch outcome {
        case let .unreachable(message, _):
            return HostReport(host: host.name, status: .failed, command: context.redactor.redact(line), exit: nil, attempts: 1,
                              reason: context.redactor.redact(message))
        case let .ran(record, _):
            return HostReport(host: host.name, status: record.exit == 0 ? .ok : .failed, command: context.redactor.redact(line),
                              exit: record.exit, attempts: 1, reason: record.exit == 0 ? nil : "exited \(record.exit.map(String.init) ?? "by a signal")")
        }
    }

    /// `collect`: each remote path into ARTIFACTS/<host>/<file name>. What
    /// was fetched (remote path, local path, bytes, sha256 computed on the
    /// controller as the bytes arrived) is the step's `result`, journaled
    /// and shown. Each fetch is bounded: regular files only (links refused
    /// unless `follow_symlinks`), `max_bytes`, and the step's timeout for
    /// all of the host's files together; the host's folder is opened
    /// without following links (`ArtifactFolder`).
    static func collect(
        _ paths: String, step: Step, host: InventoryHost, transport: any HostTransport, into artifacts: String, context: EngineContext
    ) async -> (HostReport, HostRecord?) {
        func notFetched(_ reason: String) -> (HostReport, HostRecord?) {
            (HostReport(host: host.name, status: .failed, command: context.redactor.redact(paths), exit: nil, attempts: 1,
                        reason: context.redactor.redact(reason)), nil)
        }
        guard case let .collect(spec) = step.kind else { return notFetched("not a collect step") }
        let deadline = step.timeout.map { context.clock.instant + $0 }
        var limits = FetchLimits(followSymlinks: spec.followSymlinks)
        if let cap = spec.maxBytes {
            // It reads parameters only (validate checks), so no step results are needed to render it.
            do {
                let text = try cap.renderText(in: context.environment(scope: step.scope, host: host))
                guard let bytes = Int(text.trimmingCharacters(in: .whitespaces)), bytes > 0 else {
                    return notFetched("nothing fetched: max_bytes is '\(text)', not a number of bytes above zero; fix the parameter it reads")
                }
                limits.maxBytes = bytes
            } catch {
                return notFetched("nothing fetched: max_bytes cannot be evaluated: \(error.description)")
            }
        }
        let folder: String
        do {
            folder = try await ArtifactFolder.prepareOffThePool(run: artifacts, host: host.name)
        } catch {
            return notFetched("nothing fetched: \(error.description)")
        }
        var problems: [String] = []
        var fetched: [Value] = []
        var listing: [String] = []
        for path in paths.split(separator: "\n").map(String.init) {
            let name = (path as NSString).lastPathComponent
            guard !name.isEmpty, name != ".", name != "..", name != "/" else {
                problems.append("\(path): names no file to fetch")
                continue
            }
            if let deadline {
                let left = deadline - context.clock.instant
                guard left > .zero else {
                    problems.append("\(path): not fetched: the step's timeout was spent on the files before it")
                    continue
                }
                limits.timeout = left
            }
            let local = (folder as NSString).appendingPathComponent(name)
            do {
                let file = try await transport.fetch(path, from: host, to: local, limits: limits)
                fetched.append(.map(["path": .string(path), "local": .string(file.localPath), "bytes": .int(file.bytes),
                                     "sha256": .string(file.sha256)]))
                listing.append("\(file.sha256)  \(file.bytes)  \(path) -> \(file.localPath)")
            } catch {
                let timedOut = error.kind == .transferTimedOut ? step.timeout.map { "the step's timeout (\(DurationText.format($0))) ran out: " } : nil
                problems.append("\(path): \(timedOut ?? "")\(error.description)")
            }
        }
        let stdout = listing.map { $0 + "\n" }.joined()
        var report = HostReport(host: host.name, status: problems.isEmpty ? .ok : .failed, command: context.redactor.redact(paths),
                                exit: nil, attempts: 1, reason: problems.isEmpty ? nil : context.redactor.redact(problems.joined(separator: "; ")))
        report.output = HostReport.excerpt(stdout)
        return (report, HostRecord(stdout: stdout, stderr: "", exit: nil, result: .list(fetched)))
    }

    /// How the hosts and commands about to run differ from the approved plan
    /// (nil when they match, or when the plan could not know them).
    private func planChange(_ step: Step, active: [DecidedHost]) -> String? {
        guard let planned = plan?.steps.first(where: { $0.id == step.id }), planned.status == .willRun else { return nil }
        let approved = Dictionary(planned.hosts.filter { $0.status == .willRun }.map { ($0.host, $0.command ?? "") },
                                  uniquingKeysWith: { first, _ in first })
        let now = Dictionary(active.map { ($0.host.name, context.redactor.redact($0.line)) }, uniquingKeysWith: { first, _ in first })
        if Set(approved.keys) != Set(now.keys) {
            return "hosts were \(approved.keys.sorted().joined(separator: ", ")), now \(now.keys.sorted().joined(separator: ", "))"
        }
        for (host, command) in now.sorted(by: { $0.key < $1.key }) where approved[host] != command {
            return "\(host) would now run '\(command)', approved '\(approved[host] ?? "")'"
        }
        return nil
    }
}
