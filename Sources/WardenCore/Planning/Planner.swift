import Foundation

/// The dry run: walks a runbook as a run would, running only what cannot
/// change anything (probes, checks, read-only commands) and only while the
/// hosts are still in the state a run would find them, and decides for
/// every other step and host: will run, skipped (why), or unknown until
/// some step has run.
///
/// Truthfulness rules: nothing mutating ever runs; once a change would have
/// happened, later reads are not taken (their data would describe a world
/// the run will not see) but shown as unknown until that change.
public struct Planner {
    let context: EngineContext
    /// Nil when planning offline: nothing at all reaches a host.
    let transport: (any HostTransport)?
    let concurrency: Int
    /// Binds the secrets' values into the hash; nil only for a runbook without secret parameters.
    let secretKey: SecretDigestKey?
    var plan: Plan
    /// Records of steps the plan ran or decided (`steps.<id>`).
    var stepRecords: [String: RecordSet] = [:]
    /// Probe results taken during planning, by probe key.
    var probeRecords: [String: RecordSet] = [:]
    var probeFailures: [String: [String]] = [:]
    /// Step id → the step whose outcome it waits on.
    var unknownSteps: [String: String] = [:]
    /// The first step that would change a host; reads after it are not taken.
    var changedBy: String?
    /// Why the run stops before the steps still to come.
    var stoppedBy: String?
    /// Where each guard the plan has evaluated is written: each is evaluated once, where it is first checked.
    var evaluatedGuards: Set<String> = []
    var stepNumber = 0
    var hash = PlanHash()

    /// Plans `context.runbook`. Never throws: a host that cannot be reached
    /// is part of the plan's verdict. `secretKey` (this user's, from the state
    /// folder) binds the secret parameters' values into the hash; without it
    /// the hash holds for any value of them.
    public static func plan(context: EngineContext, transport: (any HostTransport)?, concurrency: Int = 64,
                            secretKey: SecretDigestKey?) async -> Plan {
        var planner = Planner(context: context, transport: transport, concurrency: concurrency, secretKey: secretKey,
                              plan: Plan(runbook: context.runbook.name, file: context.runbook.file, offline: transport == nil))
        await planner.run()
        return planner.plan
    }

    private mutating func run() async {
        describeInputs()
        await checkHostState()
        await planWatches()
        for step in context.runbook.steps {
            plan.steps.append(await planStep(step))
        }
        for step in context.runbook.finally {
            plan.cleanup.append(await planStep(step))
        }
        plan.hash = hash.finalize()
    }

    /// Parameters, targets, window and lock: what the plan is a plan for.
    private mutating func describeInputs() {
        let runbook = context.runbook
        for source in runbook.sources {
            hash.add("source", source.path, source.text)
        }
        plan.sourcesDigest = Self.sourcesDigest(of: runbook)
        var digests: [String: String] = [:]
        if let secretKey, runbook.parameters.contains(where: \.secret) {
            digests = context.parameters.secretDigests(of: runbook, key: secretKey)
            plan.secretKey = PlanSecretKey(owner: secretKey.owner, id: secretKey.id)
        }
        for spec in runbook.parameters {
            let value = context.parameters.values[0]?[spec.name] ?? .null
            if spec.secret {
                plan.parameters.append(PlanParameter(name: spec.name, value: Redactor.mask, secret: true, digest: digests[spec.name]))
                hash.add("param", spec.name, Redactor.mask)
                // The value's keyed digest, where the mask alone would let an
                // approval given for one value of the secret hold for any other.
                if let digest = digests[spec.name] { hash.add("secret", spec.name, digest) }
                continue
            }
            let text = value.description
            let shown = context.redactor.redact(text)
            if shown != text {
                noteMask(PlanSecretMask(parameter: spec.name, whole: shown == Redactor.mask, secrets: context.parameters.secretsShown(in: text)))
            }
            plan.parameters.append(PlanParameter(name: spec.name, value: shown, secret: false))
            hash.add("param", spec.name, shown)
        }
        if let limit = context.limit {
            // The hosts below already say what it left; the pattern itself says why.
            plan.limit = limit
            hash.add("limit", limit)
        }
        for target in runbook.targets {
            let hosts = context.hosts(of: target.name)
            plan.targets.append(PlanTarget(name: target.name, hosts: hosts.map(\.name)))
            hash.add("target", target.name, hosts.map { "\($0.name)=\($0.user)@\($0.address):\($0.port)" }.joined(separator: ","))
        }
        if let window = context.window {
            let now = context.now()
            let remaining = window.remaining(at: now)
            plan.window = PlanWindow(between: window.between, timezone: window.timeZoneName, openNow: remaining != nil,
                                     seconds: (remaining ?? window.untilOpen(at: now)).milliseconds / 1000,
                                     opens: window.occurrence?.start.timeIntervalSince1970, closes: window.occurrence?.end.timeIntervalSince1970,
                                     cleanupReserve: window.cleanupReserve.milliseconds / 1000)
            if let remaining, remaining <= window.cleanupReserve {
                plan.verdict = .blocked
                plan.verdictReason = "the maintenance window \(window.between) \(window.timeZoneName) closes in "
                    + DurationText.format(.seconds(Int(remaining.milliseconds / 1000)))
                    + ", within the \(DurationText.format(window.cleanupReserve)) kept for cleanup: too late to start"
            } else if remaining == nil {
                plan.verdict = .blocked
                plan.verdictReason = "outside the maintenance window \(window.between) \(window.timeZoneName); it opens in "
                    + DurationText.format(.seconds(Int(window.untilOpen(at: now).milliseconds / 1000)))
            }
        }
        if let lock = runbook.lock {
            let environment = context.environment(scope: 0, host: nil)
            plan.lock = (try? lock.name.renderText(in: environment)).map(context.redactor.redact) ?? lock.name.text
            hash.add("lock", plan.lock ?? "")
            if let target = lock.target {
                let hosts = context.hosts(of: target)
                if hosts.count == 1 {
                    plan.lockHost = hosts[0].name
                    hash.add("lock host", hosts[0].name)
                } else {
                    noteFailure("the lock's host (target '\(target)') must be exactly one host, got \(hosts.count)")
                }
            }
        }
    }

    /// Marks the run as stopping before the rest, keeping the first reason.
    mutating func stop(_ verdict: PlanVerdict, _ reason: String) {
        guard stoppedBy == nil else { return }
        // Later steps point back here rather than repeating the reason.
        stoppedBy = "the run stops at step \(stepNumber) (\(verdict == .blocked ? "blocked" : "fails"))"
        if plan.verdict == .proceeds {
            plan.verdict = verdict
            plan.verdictReason = reason
        }
    }

    /// A fact that makes the run fail without stopping the plan (a host a
    /// cleanup step cannot reach, a watch that cannot be read).
    mutating func noteFailure(_ reason: String) {
        if plan.verdict == .proceeds {
            plan.verdict = .fails
            plan.verdictReason = reason
        }
    }

    /// The run keeps its host lock and deadmen in the host state folder: a
    /// folder the run would refuse (another account's, a link, writable by
    /// others) or could not create fails the plan now, not halfway through.
    private mutating func checkHostState() async {
        guard let transport else { return }
        var hosts: [InventoryHost] = []
        if let target = context.runbook.lock?.target, let host = context.hosts(of: target).first { hosts.append(host) }
        for step in context.runbook.allSteps where step.deadman != nil {
            if let target = step.target { hosts.append(contentsOf: context.hosts(of: target)) }
        }
        var seen = Set<String>()
        hosts = hosts.filter { seen.insert($0.name).inserted }
        guard !hosts.isEmpty else { return }
        let found = await ConcurrentMap.map(hosts, limit: concurrency) { host -> PlanHostState in
            do {
                let (folder, exists) = try await HostStateFolder(for: host).check(on: host, transport: transport)
                return PlanHostState(host: host.name, folder: folder, status: exists ? "ok" : "absent")
            } catch {
                return PlanHostState(host: host.name, status: "refused", problem: "\(error)")
            }
        }
        plan.hostState = found
        if let refused = found.first(where: { $0.status == "refused" }), plan.verdict == .proceeds {
            plan.verdict = .fails
            plan.verdictReason = "no lock or deadman can be kept on \(refused.host): \(refused.problem ?? "")"
        }
    }

    /// The digest a plan records of the runbook's files; see `Plan.sourcesDigest`.
    static func sourcesDigest(of runbook: Runbook) -> String {
        var digest = PlanHash()
        for source in runbook.sources {
            digest.add("source", source.path, source.text)
        }
        return digest.finalize()
    }
}
