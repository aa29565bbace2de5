import Foundation

/// Where a run stood when its controller died, rebuilt from its journal:
/// the steps that finished (and what later steps read of them), the hosts of
/// an unfinished step whose outcome is recorded, and the unknowns: commands
/// whose intent was written but whose outcome never was.
///
/// Resuming never runs a mutating command twice by accident: an unknown
/// mutating command runs again only when the operator says it did not take
/// effect (`assumeNotDone`), and counts as done when they say it did.
public struct ResumeState: Sendable {
    var stepRecords: [String: RecordSet] = [:]
    var completedChanges: [(step: Step, hosts: [InventoryHost])] = []
    var reachedScopes: Set<Int> = [0]
    /// Deadmen armed and not yet settled, to disarm when the resumed run's cleanup succeeds.
    var armedDeadmen: [Deadman] = []
    /// Steps (main and cleanup) with a recorded end.
    public internal(set) var finishedSteps: Set<String> = []
    /// Per unfinished step: hosts not to run again.
    var doneHosts: [String: Set<String>] = [:]
    /// Commands whose intent is journaled without an outcome.
    public internal(set) var unknowns: [Unknown] = []
    /// Set by `abandon()`: no step runs again, only the pending cleanup.
    public private(set) var abandoned = false
    /// The ids of the runbook's cleanup (`finally`) steps.
    var cleanupSteps: Set<String> = []

    public struct Unknown: Sendable, Hashable {
        public let step: String
        public let host: String
        public let command: String?
        public let mutating: Bool
        /// Its process group on the host, when the run journaled it.
        public var processGroup: RemoteProcessGroup? = nil
    }

    /// The unknown commands that may have changed a host and that the resume would run
    /// again or skip (an abandoned run's main steps are never run again: their unknowns do not matter).
    var mutatingUnknowns: [Unknown] {
        unknowns.filter { $0.mutating && (!abandoned || cleanupSteps.contains($0.step)) }
    }

    /// The operator gives the run up, having set things right by hand (`warden resume
    /// --abandon`): none of its steps runs again, and no watch is read; only the cleanup
    /// it reached and had not finished runs.
    public mutating func abandon() {
        abandoned = true
    }

    /// The cleanup steps a resume runs: the `finally` steps the run reached and had not finished.
    func pendingCleanup(of runbook: Runbook) -> [String] {
        runbook.finally.filter { reachedScopes.contains($0.scope) && !finishedSteps.contains($0.id) }.map(\.id)
    }

    static func rebuild(from events: [JournalEvent], context: EngineContext) -> ResumeState {
        var state = ResumeState()
        state.cleanupSteps = Set(context.runbook.finally.map(\.id))
        let steps = Dictionary(context.runbook.allSteps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var intents: [String: [String: String?]] = [:]
        var outcomes: [String: [(host: String, status: StepStatus, record: HostRecord?, reason: String?)]] = [:]
        var finishedStatus: [String: StepStatus] = [:]
        var groups: [String: [String: RemoteProcessGroup]] = [:]
        for event in events {
            guard let id = event.step else { continue }
            // No default: a new kind must say here what it means for where a run stands.
            switch event.kind {
            case .stepStarted:
                if let step = steps[id] { state.reachedScopes.insert(step.scope) }
            case .intent:
                if let host = event.host { intents[id, default: [:]][host] = event.command }
            case .outcome:
                // Every outcome is written with its status; one without is not taken for success.
                if let host = event.host {
                    outcomes[id, default: []].append((host, event.status ?? .failed, record(from: event), reason(from: event)))
                }
            case .processGroup:
                if let host = event.host, let group = processGroup(from: event.detail) { groups[id, default: [:]][host] = group }
            case .stepFinished:
                state.finishedSteps.insert(id)
                finishedStatus[id] = event.status
            case .deadmanArming, .deadmanArmed:
                if let host = event.host, let deadman = deadman(from: event.detail, step: id, host: host) {
                    state.armedDeadmen.removeAll { $0.host == host && $0.step == id }
                    state.armedDeadmen.append(deadman)
                }
            case .deadmanDisarmed, .deadmanLeftArmed:
                state.armedDeadmen.removeAll { $0.host == event.host && $0.step == id }
            case .undo, .waitingApproval, .approved, .denied, .note:
                // A rollback ends the run (a resume does not undo again); the gate is decided
                // again from the approvals; notes are for people.
                break
            }
        }
        for (id, results) in outcomes {
            let ran = results.compactMap { result in result.record.map { (name: result.host, record: $0) } }
            let status = switch finishedStatus[id] {
            case nil, .ok: "ok"
            case .skipped: "skipped"
            case .failed, .notRun: "failed"
            }
            // Each host's journaled status and reason: a host the step skipped reads as skipped after a resume too.
            let notes = results.map { HostOutcomeNote(host: $0.host, status: $0.status, reason: $0.reason) }
            state.stepRecords[id] = RecordSet(hosts: ran, status: status, outcomes: notes)
            if let step = steps[id], step.isMutating {
                let changed = Set(results.filter { $0.status == .ok }.map(\.host))
                let hosts = context.hosts(of: step.target).filter { changed.contains($0.name) }
                if !hosts.isEmpty { state.completedChanges.append((step, hosts)) }
            }
            if !state.finishedSteps.contains(id) {
                state.doneHosts[id] = Set(results.map(\.host))
            }
        }
        for (id, hosts) in intents where !state.finishedSteps.contains(id) {
            let answered = state.doneHosts[id] ?? []
            for (host, command) in hosts.sorted(by: { $0.key < $1.key }) where !answered.contains(host) {
                state.unknowns.append(Unknown(step: id, host: host, command: command ?? nil, mutating: steps[id]?.isMutating ?? true,
                                              processGroup: groups[id]?[host]))
            }
        }
        return state
    }

    /// The operator's word on the unknown mutating commands: done (they are
    /// not run again) or not done (they run again). Read-only ones always run again.
    public mutating func assume(done: Bool) {
        guard done else { return }
        for unknown in unknowns where unknown.mutating {
            doneHosts[unknown.step, default: []].insert(unknown.host)
        }
    }

    private static func deadman(from detail: String?, step: String, host: String) -> Deadman? {
        guard let data = detail?.data(using: .utf8), let value = try? JSONDecoder().decode(Value.self, from: data),
              case let .map(entries) = value, case let .string(path)? = entries["path"] else { return nil }
        var firesAt = 0.0
        switch entries["fires_at"] {
        case let .double(number)?: firesAt = number
        case let .int(number)?: firesAt = Double(number)
        default: break
        }
        return Deadman(host: host, step: step, path: path, firesAt: firesAt)
    }

    private static func processGroup(from detail: String?) -> RemoteProcessGroup? {
        guard let data = detail?.data(using: .utf8), let value = try? JSONDecoder().decode(Value.self, from: data),
              case let .map(entries) = value, case let .int(id)? = entries["pgid"], let group = Int32(exactly: id), group > 1 else { return nil }
        var start: String?
        if case let .string(text)? = entries["start"] { start = text }
        return RemoteProcessGroup(id: group, startTime: start)
    }

    private static func reason(from event: JournalEvent) -> String? {
        if case let .string(reason)? = event.detailObject["reason"] { reason } else { nil }
    }

    private static func record(from event: JournalEvent) -> HostRecord? {
        guard let record = event.outcomeRecord else { return nil }
        var exit: Int?
        if case let .int(number)? = record["exit"] { exit = number }
        func text(_ key: String) -> String {
            if case let .string(value)? = record[key] { return value }
            return ""
        }
        var restored = HostRecord(stdout: text("stdout"), stderr: text("stderr"), exit: exit, result: record["result"] ?? .null)
        // A no_log step journaled only digests: the resumed run sees what the first one let later steps see.
        if case let .string(stdout)? = record["stdout_sha256"], case let .string(stderr)? = record["stderr_sha256"] {
            restored.withheld = (stdout, stderr)
        }
        return restored
    }
}

extension ResumeState {
    /// Settles each unknown change whose step declares `verify:` by running
    /// the verification on that host: took effect → done (not run again);
    /// did not → it runs again. Returns one line per verification, for the
    /// journal and the operator; a verification that fails to run leaves its
    /// change unknown.
    mutating func verifyUnknowns(context: EngineContext, transport: any HostTransport, concurrency: Int = 64) async -> [String] {
        var lines: [String] = []
        var remaining: [Unknown] = []
        // Probes a verification reads are taken as the hosts are now, once for all of them.
        var source = FreshProbes(context: context, transport: transport, concurrency: concurrency)
        for unknown in unknowns {
            guard unknown.mutating, !abandoned || cleanupSteps.contains(unknown.step),
                  let step = context.runbook.allSteps.first(where: { $0.id == unknown.step }), let verify = step.verify,
                  let host = context.hosts(of: step.target).first(where: { $0.name == unknown.host }) else {
                remaining.append(unknown)
                continue
            }
            var probes: [String: RecordSet] = [:]
            for name in StepDecider.probesVerifying(step, context: context) {
                guard let spec = context.runbook.probe(named: name) else { continue }
                if let records = await source.sample(spec, key: name).records { probes[name] = records }
            }
            let environment = context.environment(scope: step.scope, host: host, steps: stepRecords, probes: probes)
            let command: RenderedCommand
            do {
                command = try verify.command.renderCommand(in: environment)
            } catch {
                lines.append(context.redactor.redact("\(unknown.step)@\(unknown.host): verify cannot be rendered: \(error.message)"))
                remaining.append(unknown)
                continue
            }
            switch await CommandAttempt.run(command, on: host, timeout: step.timeout, parser: verify.parser, transport: transport,
                                            become: context.remoteBecome(step, on: host)) {
            case let .unreachable(message, _):
                lines.append(context.redactor.redact("\(unknown.step)@\(unknown.host): verify could not run: \(message)"))
                remaining.append(unknown)
            case let .ran(record, parseError):
                if let parseError {
                    lines.append(context.redactor.redact("\(unknown.step)@\(unknown.host): verify output unreadable: \(parseError)"))
                    remaining.append(unknown)
                    continue
                }
                let outcome = context.environment(scope: step.scope, host: host, output: record, steps: stepRecords, probes: probes)
                switch ConditionEvaluation.evaluate(verify.expect, in: outcome) {
                case .success(true):
                    doneHosts[unknown.step, default: []].insert(unknown.host)
                    lines.append("\(unknown.step)@\(unknown.host): verify says it took effect; not run again")
                case .success(false):
                    lines.append("\(unknown.step)@\(unknown.host): verify says it did not take effect; it runs again")
                case let .failure(error):
                    lines.append(context.redactor.redact("\(unknown.step)@\(unknown.host): verify.expect: \(error.message)"))
                    remaining.append(unknown)
                }
            }
        }
        unknowns = remaining
        return lines
    }
}
