import Foundation

/// Carries out a runbook on its hosts: steps in order, per host `when`,
/// retries and expectations, batches, guards re-checked right before every
/// change, the failure policy (abort, continue, rollback), and cleanup that
/// runs whatever ends the run, Ctrl-C included.
///
/// Each step is decided by `StepDecider`, as the `Planner` and the `--step`
/// preview decide it, and judged as the plan judges it, so what a plan or a
/// preview says will run is what runs.
public struct Runner: Sendable {
    let context: EngineContext
    let transport: any HostTransport
    let concurrency: Int
    /// Where `collect` steps put what they fetch, one folder per host.
    let artifacts: String
    /// Decides `approve:` gates; nil: every gate blocks the run.
    let approvals: (@Sendable (Step, ApprovalSpec) async -> ApprovalDecision)?
    let observer: (@Sendable (RunEvent) -> Void)?
    /// Asks the operator before each step (`--step`); nil: no questions.
    let confirm: (@Sendable (StepPreview) async -> StepDecision)?
    /// The journal the run is written to; nil only in tests of the engine alone.
    let recorder: RunRecorder?
    /// The plan approvers saw; the first change after a gate must match it.
    let plan: Plan?
    var report: RunReport
    var stepRecords: [String: RecordSet] = [:]
    /// Probes read as `probes.<name>.before`, taken before the first step (see `takeProbesBefore`).
    var probesBefore: [String: RecordSet] = [:]
    /// Mutating steps that completed on some hosts, oldest first, for rollback.
    var completedChanges: [(step: Step, hosts: [InventoryHost])] = []
    /// The probe samples each step was decided on, by step id: its undo is rendered from them at rollback.
    var decidedProbes: [String: [String: RecordSet]] = [:]
    var stopped = false
    /// Scopes whose steps started: an included runbook's cleanup runs only if it was reached.
    var reachedScopes: Set<Int> = [0]
    /// Set when a host's journal entry could not be written during a step.
    var journalFailure: String?
    /// An approval was given and no change has been checked against the plan since.
    var approvalToCheck: String?
    /// What a resumed run takes from the journal of the run it continues.
    var resume: ResumeState?
    /// Reverts armed on hosts, to disarm once cleanup succeeded.
    var armedDeadmen: [Deadman] = []

    public static func run(
        context: EngineContext, transport: any HostTransport, concurrency: Int = 64, artifacts: String,
        approvals: (@Sendable (Step, ApprovalSpec) async -> ApprovalDecision)? = nil,
        confirm: (@Sendable (StepPreview) async -> StepDecision)? = nil,
        recorder: RunRecorder? = nil,
        plan: Plan? = nil,
        resume: ResumeState? = nil,
        observer: (@Sendable (RunEvent) -> Void)? = nil
    ) async -> RunReport {
        var runner = Runner(context: context, transport: transport, concurrency: concurrency, artifacts: artifacts, approvals: approvals,
                            observer: observer, confirm: confirm, recorder: recorder, plan: plan,
                            report: RunReport(runbook: context.runbook.name, file: context.runbook.file))
        if let resume {
            runner.stepRecords = resume.stepRecords
            runner.completedChanges = resume.completedChanges
            runner.reachedScopes = resume.reachedScopes
            runner.armedDeadmen = resume.armedDeadmen
            runner.resume = resume
            // An approval given before the controller died still binds what the resumed run changes.
            runner.approvalToCheck = context.runbook.steps.last { $0.isApprovalGate && resume.finishedSteps.contains($0.id) }?.id
        }
        var abort: RunMonitor.Stop?
        if resume?.abandoned == true {
            // The operator set things right by hand: no step runs and no watch is read, only the pending cleanup below.
            runner.giveUpSteps()
        } else {
            (runner, abort) = await runner.stepsAndWatches()
        }
        if let abort {
            runner.report.status = .aborted
            runner.report.reason = abort.reason
            try? await runner.recorder?.note("aborted: \(abort.reason)" + (abort.rollsBack ? "; rolling back" : ""))
        }
        let rollsBack = abort?.rollsBack ?? false
        // Cleanup must run even when the run was cancelled (Ctrl-C): an
        // unstructured task does not inherit the cancellation.
        let finished = await Task { [runner] in
            var cleaning = runner
            // A watch breach undoes the changes made so far (those with an undo), then cleanup runs.
            if rollsBack { await cleaning.rollBack() }
            await cleaning.runCleanup()
            await cleaning.settleDeadmen()
            await cleaning.flushJournal()
            return cleaning.report
        }.value
        return finished
    }

    /// The steps, raced against the run's watches: whichever finishes first cancels the other.
    private func stepsAndWatches() async -> (Runner, RunMonitor.Stop?) {
        let monitor = RunMonitor(context: context, transport: transport, concurrency: concurrency)
        let start = self
        return await withTaskGroup(of: (Runner?, RunMonitor.Stop?).self) { group -> (Runner, RunMonitor.Stop?) in
            group.addTask {
                var stepping = start
                await stepping.runSteps()
                return (stepping, nil)
            }
            group.addTask { (nil, await monitor.watch()) }
            var result = start
            var reason: RunMonitor.Stop?
            for await (done, why) in group {
                if let done { result = done }
                if let why { reason = why }
                group.cancelAll()
            }
            return (result, reason)
        }
    }

    /// `warden resume --abandon`: every step is reported as the journal left it; none runs.
    private mutating func giveUpSteps() {
        report.status = .abandoned
        report.reason = "abandoned by the operator; only the pending cleanup ran"
        for step in context.runbook.steps {
            let finished = resume?.finishedSteps.contains(step.id) ?? false
            let status = finished ? StepStatus(rawValue: resume?.stepRecords[step.id]?.status ?? "ok") ?? .ok : .notRun
            report.steps.append(StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating, status: status,
                                           summary: finished ? "finished before the resume" : "not run: the run was abandoned"))
        }
    }

    private mutating func runSteps() async {
        if let missing = await takeProbesBefore() {
            // A step would read a sample that does not exist: nothing is changed without it.
            stop(.failed, missing)
        }
        for step in context.runbook.steps {
            if stopped || Task.isCancelled {
                if !stopped { stop(.aborted, "interrupted before step '\(step.id)'") }
                report.steps.append(StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating, status: .notRun,
                                               summary: "not run: the run stopped"))
                continue
            }
            if let resume, resume.finishedSteps.contains(step.id) {
                report.steps.append(StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating,
                                               status: StepStatus(rawValue: resume.stepRecords[step.id]?.status ?? "ok") ?? .ok,
                                               summary: "finished before the resume"))
                continue
            }
            // With --step the step is decided before the operator is asked, and runs as shown: their yes is to those commands.
            var decided: DecidedStep?
            if let confirm {
                let decision = await decide(step)
                decided = decision
                switch await confirm(preview(decision)) {
                case .run:
                    break
                case .skip:
                    try? await recorder?.note("skipped by the operator (--step)", step: step.id)
                    stepRecords[step.id] = RecordSet(hosts: [], status: "skipped")
                    report.steps.append(StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating,
                                                   status: .skipped, summary: "skipped by the operator"))
                    continue
                case .abort:
                    try? await recorder?.note("aborted by the operator (--step) before this step", step: step.id)
                    stop(.aborted, "aborted by the operator before step '\(step.id)'")
                    report.steps.append(StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating,
                                                   status: .notRun, summary: "not run: the operator aborted"))
                    continue
                }
            }
            reachedScopes.insert(step.scope)
            let result = await recorded(step, decided: decided)
            report.steps.append(result)
            if Task.isCancelled, !stopped {
                // An interrupted step "fails" because its commands were killed: the run was aborted.
                stop(.aborted, "interrupted (Ctrl-C or SIGTERM) during step '\(step.id)'")
                continue
            }
            if result.status == .failed, !stopped {
                switch step.onError {
                case .continue:
                    if report.status == .succeeded {
                        report.status = .failed
                        report.reason = "step '\(step.id)' failed (on_error: continue): \(result.summary)"
                    }
                case .abort:
                    stop(.failed, "step '\(step.id)' failed: \(result.summary)")
                case .rollback:
                    stop(.failed, "step '\(step.id)' failed: \(result.summary); rolling back")
                    await rollBack()
                }
            }
        }
    }

    /// Executes a step between its two journal entries, as `decided` when
    /// it already was (`--step`). A journal that cannot be written fails the
    /// step before it touches a host.
    private mutating func recorded(_ step: Step, decided: DecidedStep? = nil) async -> StepReport {
        observer?(.stepStarted(step.id))
        recorder?.stepStarted(step)
        do {
            // A step that waits (on approvers, time, a condition) or writes a report has no intents to
            // carry what the steps before it recorded: it is all written now, before the wait.
            switch step.kind {
            case .run, .check, .collect: break
            case .approve, .pause, .wait, .report: try await recorder?.flush()
            }
        } catch {
            let failed = StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating, status: .failed,
                                    summary: "not started: \(error.description)")
            stop(.failed, "the journal cannot be written: \(error.description)")
            observer?(.stepFinished(failed))
            return failed
        }
        var result = await execute(step, decided: decided)
        if let journalFailure {
            result.status = .failed
            result.summary += "; \(journalFailure)"
            stop(.failed, "the journal cannot be written: \(journalFailure)")
        }
        recorder?.stepFinished(result)
        observer?(.stepFinished(result))
        return result
    }

    /// Writes what the recorder still holds (the last step's outcomes, the deadmen settled): a run
    /// ends only once its record is durable, and says so when it cannot be.
    private mutating func flushJournal() async {
        do {
            try await recorder?.flush()
        } catch {
            if report.status == .succeeded { report.status = .failed }
            let lost = "the journal cannot be written: \(error.description); `warden resume` will ask about the last outcomes"
            report.reason = report.reason.map { "\($0); \(lost)" } ?? lost
        }
    }

    /// Ends the run early with `status`, keeping the first reason.
    mutating func stop(_ status: RunStatus, _ reason: String) {
        guard !stopped else { return }
        stopped = true
        if report.status == .succeeded || status == .blocked {
            report.status = status
            report.reason = reason
        }
    }

    private mutating func rollBack() async {
        for (step, hosts) in completedChanges.reversed() {
            guard let undo = step.undo else { continue }
            var stepReport = StepReport(id: step.id, kind: "undo", mutating: true, status: .ok, summary: "")
            for host in hosts {
                // As decided with the step (the probes as it found them, before its change), and its own result.
                let environment = context.environment(scope: step.scope, host: host, steps: stepRecords, probes: decidedProbes[step.id] ?? [:])
                let hostReport = await runOnce(undo, step: step, host: host, environment: environment)
                recorder?.outcome(step, report: hostReport, record: nil, kind: .undo)
                if hostReport.status == .failed { stepReport.status = .failed }
                stepReport.hosts.append(hostReport)
            }
            stepReport.summary = stepReport.status == .ok ? "undone on \(hosts.count) host(s)" : "undo failed on some hosts"
            report.rollback.append(stepReport)
        }
    }

    /// Disarms the deadmen when the run left the hosts safe by itself
    /// (cleanup and any rollback succeeded); otherwise leaves them armed, so
    /// they revert on their own, and says so.
    private mutating func settleDeadmen() async {
        guard !armedDeadmen.isEmpty else { return }
        let safe = (report.cleanup + report.rollback).allSatisfy { $0.status != .failed }
        let hosts = Dictionary(context.runbook.targets.flatMap { context.hosts(of: $0.name) }.map { ($0.name, $0) },
                               uniquingKeysWith: { first, _ in first })
        // A step a resume ran again armed its deadman again in the same place, ending the timer the
        // dead controller armed there: each place is settled once, by its latest arming.
        let latest = armedDeadmen.enumerated().filter { index, deadman in
            !armedDeadmen[(index + 1)...].contains { $0.host == deadman.host && $0.step == deadman.step }
        }.map(\.element)
        for deadman in latest {
            var entry = DeadmanReport(host: deadman.host, step: deadman.step, status: .leftArmed, firesAt: deadman.firesAt)
            if deadman.isLegacy {
                // Never touched: its folder (and the pid in it) may be anyone's.
                entry.status = .unknown
                entry.detail = deadman.legacyAdvice
            } else if !safe {
                entry.detail = "cleanup did not succeed: the host reverts the change on its own"
            } else if let host = hosts[deadman.host] {
                do {
                    switch try await deadman.disarm(on: host, transport: transport) {
                    case .disarmed: entry.status = .disarmed
                    case .fired(let exit): entry.status = .fired; entry.detail = "the revert already ran (exit \(exit))"
                    case .firing: entry.status = .fired; entry.detail = "the revert is running now"
                    case .missing: entry.status = .missing; entry.detail = "nothing armed in \(deadman.path)"
                    case .legacy: entry.status = .unknown; entry.detail = deadman.legacyAdvice
                    }
                } catch {
                    entry.status = .unknown
                    entry.detail = error.description
                }
            } else {
                entry.status = .unknown
                entry.detail = "host \(deadman.host) is no longer in the inventory"
            }
            do {
                try await recorder?.deadman(deadman, kind: entry.status.mayStillFire ? .deadmanLeftArmed : .deadmanDisarmed,
                                            detail: entry.detail ?? entry.status.rawValue)
            } catch {
                journalFailure = journalFailure ?? error.description
            }
            report.deadmen.append(entry)
        }
    }

    private mutating func runCleanup() async {
        for step in context.runbook.finally where reachedScopes.contains(step.scope) {
            if let resume, resume.finishedSteps.contains(step.id) {
                report.cleanup.append(StepReport(id: step.id, kind: step.kind.keyword, mutating: step.isMutating, status: .ok,
                                                 summary: "finished before the resume"))
                continue
            }
            let result = await recorded(step)
            report.cleanup.append(result)
            if result.status == .failed, report.status == .succeeded {
                report.status = .failed
                report.reason = "cleanup step '\(step.id)' failed: \(result.summary)"
            } else if result.status == .failed, report.status == .abandoned {
                // Still abandoned (the operator's word), but not cleanly: say which cleanup failed.
                report.reason = (report.reason ?? "abandoned") + "; cleanup step '\(step.id)' failed: \(result.summary)"
            }
        }
    }
}

/// An approver's answer to a gate.
public enum ApprovalDecision: Sendable {
    case approved
    /// Denied or timed out, with why.
    case blocked(String)
}

/// Progress of a run, for live display.
public enum RunEvent: Sendable {
    case stepStarted(String)
    /// A host's command is about to leave (its intent is journaled).
    case hostStarted(step: String, host: String)
    case hostFinished(step: String, HostReport)
    case stepFinished(StepReport)
}
