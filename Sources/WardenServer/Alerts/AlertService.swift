import Foundation
import Logging
import Synchronization
import WardenCore

/// Incident automation: takes Alertmanager deliveries, decides on them in
/// journal order, and acts on the decisions through the same dispatcher the
/// API uses.
///
/// Every input is journaled before anything is decided about it (a delivery
/// is answered 202 once its raw body is durable), and decided exactly once:
/// its decisions and its "decided" mark are one write. After a restart the
/// decided inputs are replayed to come back to the same incidents and
/// throttles, the undecided ones are decided, incidents whose start was
/// decided but never reported are started (or found started, by the run's
/// trigger), and the runs of open incidents are followed to their end.
///
/// An actor: decisions happen one input at a time, in order; starting runs
/// (planning, probing hosts) happens in tasks of its own, whose outcome comes
/// back as another journaled input.
actor AlertService {
    private let journal: Journal
    private let dispatcher: RunDispatcher
    private let state: DaemonState
    private let metrics: WardenMetrics
    private let clock: any EngineClock
    private let logger: Logger
    private let webhooks: DecisionWebhooks
    /// Journals deliveries as they arrive, off this actor.
    private nonisolated let intake: AlertIntake

    private var rules: [AlertRule] = []
    private var decider = AlertDeciderState()
    /// The next input to decide.
    private var next = 1
    private var draining = false
    private var again = false
    /// False until `start()` has loaded the rules and replayed the journal. Deliveries are taken
    /// (journaled and answered) from the moment the HTTP server listens, while the keeper may still
    /// be adopting runs: deciding them then would use no rules. Seen on a shared journal: the first
    /// delivery to a controller still adopting was recorded as "no rule matched".
    private var started = false
    /// Incidents whose run is to be started (or approved), with what to start.
    private var pending: [String: RunPlanRequest] = [:]
    /// Active alert-started runs and the hosts they may change (`max_targets_in_remediation`).
    private var remediating: [String: Set<String>] = [:]
    /// Runs followed to their end.
    private var followed: Set<String> = []

    /// Silences made for runs and not yet expired, by run: (silence id, Alertmanager URL).
    private var silences: [String: [(id: String, alertmanager: String)]] = [:]
    /// The incident of each alert-started run.
    private var incidentOfRun: [String: String] = [:]
    /// Runs whose end is journaled.
    private var endedRuns: Set<String> = []

    init(journal: Journal, dispatcher: RunDispatcher, state: DaemonState, metrics: WardenMetrics, clock: any EngineClock, logger: Logger) {
        self.journal = journal
        self.dispatcher = dispatcher
        self.state = state
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        self.webhooks = DecisionWebhooks(logger: logger)
        // The intake is made before `self` may be captured; it learns whom to tell through the box.
        let decide = Mutex<(@Sendable () -> Void)?>(nil)
        intake = AlertIntake(journal: journal, clock: clock) { decide.withLock { $0 }?() }
        decide.withLock { $0 = { [weak self] in Task { await self?.drain() } } }
    }

    // MARK: Inputs

    /// Journals a webhook body (raw, whatever it holds) from `source` and has it decided soon after.
    /// Returns the input's number and, for a body that is not a delivery Warden reads, why.
    nonisolated func receive(_ body: [UInt8], from source: String) async throws(JournalError) -> (input: Int, invalid: AlertmanagerDeliveryError?) {
        // Decoded here, off the actor, once: the drain uses this decoding instead of reading the body again.
        let decoded: Result<AlertmanagerDelivery, AlertmanagerDeliveryError>
        do {
            decoded = .success(try AlertmanagerDelivery.decode(body))
        } catch {
            decoded = .failure(error)
        }
        let sequence = try await intake.journal(AlertInputDraft(kind: .delivery, source: source, body: body), decoded: decoded).get()
        if case let .failure(error) = decoded { return (sequence, error) }
        return (sequence, nil)
    }

    /// An operator closes an incident; false if no such incident is open.
    func close(incident: String, reason: String, by person: String) async throws(JournalError) -> Bool {
        guard decider.incident(incident) != nil else { return false }
        try await journal.appendAlertInput(.close, source: person, incident: incident, detail: reason, at: clock.now)
        await drain()
        return true
    }

    /// An approver starts an `approval: required` incident's run on the plan they read.
    func approve(incident: String, planHash: String, identity: RunIdentity) async throws(AdmissionError) -> String {
        guard decider.incident(incident) != nil, let request = pending[incident] else {
            throw AdmissionError(.notFound, "no open incident '\(incident)' waits for approval")
        }
        guard request.approval == .required else {
            throw AdmissionError(.conflict, "incident \(incident)'s run starts by itself (its rule says approval: auto)")
        }
        // Claimed before the first suspension: a second approver's call meanwhile finds nothing to
        // start, and the incident gets one run. Given back if this start is refused.
        pending[incident] = nil
        let started: (runID: String, plan: Plan)
        do {
            started = try await dispatcher.start(try await runRequest(for: request, identity: identity, planHash: planHash))
        } catch {
            if decider.incident(incident) != nil { pending[incident] = request }
            throw error
        }
        await self.started(started.runID, plan: started.plan, for: request, source: identity.user)
        return started.runID
    }

    /// Open incidents now (the decider's view).
    var openIncidents: [AlertIncident] { decider.incidents.values.sorted { $0.openedAt < $1.openedAt } }

    /// What an incident waits for, if an approver: its request.
    func pendingRequest(_ incident: String) -> RunPlanRequest? { pending[incident] }

    // MARK: Start and replay

    /// Comes back to the journal's state: replays decided inputs, decides the rest, picks up
    /// starts that were decided but not made, and follows the runs of open incidents.
    func start() async {
        rules = await state.configuration.alertRules
        decider = AlertDeciderState(limits: await configuredLimits())
        do {
            let inputs = try await journal.alertInputs()
            var replayed = 0
            for entry in inputs where entry.decidedAt != nil {
                if entry.kind == .runEnded, let run = entry.run { endedRuns.insert(run) }
                note(decider.apply(entry.deciderInput(), rules: rules), counting: false)
                next = entry.sequence + 1
                replayed += 1
            }
            if replayed > 0 { logger.info("alert decisions replayed", metadata: ["inputs": "\(replayed)", "incidents_open": "\(decider.incidents.count)"]) }
            started = true
        } catch {
            logger.error("cannot read the journal's alert inputs; alerts are not acted on until a restart", metadata: ["error": "\(error)"])
            return
        }
        metrics.incidentsOpen(decider.incidents.count)
        for incident in decider.incidents.values {
            for run in incident.runs { follow(run) }
        }
        // Silences of runs that ended while no daemon was there to expire them.
        for run in silences.keys.sorted() where endedRuns.contains(run) {
            Task { await self.expireSilences(of: run) }
        }
        // Starts decided before the restart and never reported; taken before the drain, whose own
        // new starts are under way in their tasks.
        let unreported = pending.sorted(by: { $0.key < $1.key }).filter { $0.value.approval == .auto }
        await drain()
        guard !unreported.isEmpty else { return }
        // On a journal several controllers share, a start decided and not yet reported may be one
        // a live controller is making right now (planning takes seconds): it is taken on only once
        // it is older than a controller could take to make it, as a schedule's claim is. Seen: a
        // controller that came up while another started the incident's run started a second one.
        if journal.store.localFolder == nil {
            let grace = (await dispatcher.settings.runLease) * 2 + .seconds(60)
            Task { [clock] in
                do { try await clock.sleep(for: grace) } catch { return }
                await self.resumeUnreported(unreported.map(\.key))
            }
            return
        }
        for (incident, request) in unreported {
            await resumeStart(incident: incident, request: request)
        }
    }

    /// The starts still unreported after the grace: those nobody made are made here.
    private func resumeUnreported(_ incidents: [String]) async {
        await drain()
        for incident in incidents {
            guard let request = pending[incident], request.approval == .auto else { continue }
            await resumeStart(incident: incident, request: request)
        }
    }

    /// A reload: later inputs are decided under the new rules and limits; open incidents stay.
    func reload() async {
        rules = await state.configuration.alertRules
        decider.limits = await configuredLimits()
    }

    /// The decider's limits from the config's `alerts:`.
    private func configuredLimits() async -> AlertDeciderState.Limits {
        var limits = AlertDeciderState.Limits()
        limits.maxRuns = await state.configuration.alertLimits.maxRuns
        limits.duplicateWindow = await state.configuration.alertLimits.duplicateWindow.timeInterval
        return limits
    }

    /// A start decided before a crash: if a run of the incident exists it is reported, else it is started now.
    private func resumeStart(incident: String, request: RunPlanRequest) async {
        let marker = Self.initiator(rule: request.rule, incident: incident)
        if let runs = try? await journal.runs(), let run = runs.last(where: { $0.trigger == .alert && $0.initiator == marker }) {
            logger.notice("an incident's run started before a restart is picked up", metadata: ["incident": "\(incident)", "run": "\(run.id)"])
            pending[incident] = nil
            _ = try? await journal.appendAlertInput(.runStarted, source: "warden", run: run.id, incident: incident, at: clock.now)
            follow(run.id)
            await drain()
            return
        }
        beginStart(request)
    }

    // MARK: Deciding

    /// How many inputs one write of decisions covers: enough that a burst costs a few syncs to
    /// disk, few enough that the write is short. The journal serves one access at a time, and
    /// deliveries waiting to be journaled wait for the one under way: 256 inputs made a write of
    /// 50 ms of CPU, and every delivery answered meanwhile took that much longer.
    static let decidedPerWrite = 64

    /// Decides every undecided input in order; one caller drains, others ask it to go again.
    private func drain() async {
        // Before the start, what arrives waits in the journal; the start drains it.
        guard started else { return }
        if draining {
            again = true
            return
        }
        draining = true
        defer { draining = false }
        repeat {
            again = false
            let inputs: [AlertInputEntry]
            do {
                inputs = try await journal.alertInputs(from: next, limit: Self.decidedPerWrite)
            } catch {
                logger.error("cannot read alert inputs", metadata: ["error": "\(error)"])
                return
            }
            // Decided in order, then written in one transaction: a burst of deliveries costs one sync
            // to disk, not one each. The state goes back if the write fails; the next drain decides again.
            let before = decider
            var batch: [(input: Int, decisions: [AlertDecision])] = []
            var kinds: [AlertInputEntry.Kind] = []
            for entry in inputs {
                if entry.kind == .runEnded, let run = entry.run { endedRuns.insert(run) }
                let input = intake.takeDecoded(entry.sequence).map { AlertDeciderInput.delivery($0, at: Date(timeIntervalSince1970: entry.at)) }
                    ?? entry.deciderInput()
                let decisions = decider.apply(input, rules: rules)
                // Decided by another writer of this journal: followed without deciding again.
                guard entry.decidedAt == nil else {
                    note(decisions, counting: false)
                    continue
                }
                batch.append((entry.sequence, decisions))
                kinds.append(entry.kind)
            }
            if !batch.isEmpty {
                do {
                    try await journal.recordAlertDecisions(batch, at: clock.now)
                } catch where error.kind == .alreadyClaimed {
                    // Another controller of this journal decided them first: read again and follow its decisions.
                    decider = before
                    again = true
                    continue
                } catch {
                    decider = before
                    logger.error("cannot journal alert decisions; they are decided again on the next delivery",
                                 metadata: ["inputs": "\(batch.map(\.input))", "error": "\(error)"])
                    return
                }
            }
            next = (inputs.last?.sequence ?? next - 1) + 1
            // A decoding cached after a drain read its input (the commit and the read crossed) is not needed.
            intake.forget(before: next)
            for ((input, decisions), kind) in zip(batch, kinds) {
                if kind == .delivery { metrics.alertDelivery(Self.result(of: decisions)) }
                note(decisions, counting: true)
                for decision in decisions {
                    logger.info("alert decision", metadata: ["input": "\(input)", "decision": "\(decision)"])
                    if case let .start(request) = decision, request.approval == .auto { beginStart(request) }
                    if case let .start(request) = decision, request.approval == .required { beginPlan(request) }
                    if decision.needsAHuman { webhooks.send(decision, to: await state.configuration.notify, at: clock.now) }
                }
            }
            if inputs.count == Self.decidedPerWrite { again = true }
        } while again
    }

    /// Keeps `pending` and the metrics in step with decisions (replayed or new).
    private func note(_ decisions: [AlertDecision], counting: Bool) {
        for decision in decisions {
            if counting { metrics.decision(rule: decision.rule, kind: decision.kind) }
            switch decision {
            case let .start(request): pending[request.incident] = request
            case let .started(incident, _, run, _):
                pending[incident] = nil
                incidentOfRun[run] = incident
            case let .closed(incident, _, _): pending[incident] = nil
            case let .silenced(_, _, run, id, alertmanager): silences[run, default: []].append((id, alertmanager))
            case let .silenceExpired(_, run, id, _, _):
                silences[run]?.removeAll { $0.id == id }
                if silences[run]?.isEmpty == true { silences[run] = nil }
            default: break
            }
        }
        metrics.incidentsOpen(decider.incidents.count)
    }

    private static func result(of decisions: [AlertDecision]) -> String {
        if decisions.allSatisfy({ if case .duplicate = $0 { true } else { false } }) { return "duplicate" }
        if decisions.contains(where: { if case .invalid = $0 { true } else { false } }) { return "rejected" }
        return "accepted"
    }

    // MARK: Acting

    private func beginStart(_ request: RunPlanRequest) {
        Task { await self.startRun(request) }
    }

    private func beginPlan(_ request: RunPlanRequest) {
        Task { await self.planRun(request) }
    }

    /// Plans an `approval: required` incident's run and reports the plan waiting for an approver.
    private func planRun(_ request: RunPlanRequest) async {
        do {
            let plan = try await dispatcher.plan(try await runRequest(for: request, identity: await identity(for: request), planHash: nil))
            guard plan.allowsStart else {
                await failed(request, reason: plan.verdictReason ?? "the plan \(plan.verdict.rawValue)")
                return
            }
            _ = try? await journal.appendAlertInput(.planned, source: "warden", incident: request.incident, detail: plan.hash, at: clock.now)
            await drain()
        } catch {
            await failed(request, reason: error.description)
        }
    }

    /// Plans and starts an incident's run under the rule's identity; a refusal is reported as a failed start.
    ///
    /// Started on the plan the dispatcher makes as it starts, not on the hash of an earlier one:
    /// nobody read a plan to confirm, and the probes of what an alert is about move (a
    /// crash-looping program's state and restart count change every second), so a hash read one
    /// plan before was stale whenever planning took longer than that, and the start was blocked.
    /// `max_targets_in_remediation` is checked on that same plan.
    private func startRun(_ request: RunPlanRequest) async {
        do {
            let runRequest = try await runRequest(for: request, identity: await identity(for: request), planHash: nil)
            let limit = await state.configuration.alertLimits.maxTargetsInRemediation
            let started = try await dispatcher.start(runRequest) { plan in await self.targetsRefusal(plan, limit: limit) }
            pending[request.incident] = nil
            await self.started(started.runID, plan: started.plan, for: request, source: "warden")
        } catch let refusal as AdmissionError where refusal.kind == .stopping {
            // Not the incident's failure: the daemon is going away (a restart, an upgrade). The start
            // stays decided and unreported, and the next daemon on this journal makes it (resumeStart).
            logger.notice("the daemon began stopping before an incident's run started; the next daemon starts it",
                          metadata: ["incident": "\(request.incident)", "rule": "\(request.rule)"])
        } catch {
            await failed(request, reason: error.description)
        }
    }

    /// Why `plan` may not start under `max_targets_in_remediation` (`limit`), if it may not.
    private func targetsRefusal(_ plan: Plan, limit: Int?) -> String? {
        guard let limit else { return nil }
        let touching = Self.changedHosts(plan)
        let busy = remediating.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        guard busy.union(touching).count > limit else { return nil }
        return "max_targets_in_remediation \(limit): \(busy.count) hosts are being remediated by \(remediating.count) runs, "
            + "and this run would change \(touching.subtracting(busy).count) more"
    }

    private func started(_ run: String, plan: Plan, for request: RunPlanRequest, source: String) async {
        remediating[run] = Self.changedHosts(plan)
        metrics.targetsInRemediation(remediating.values.reduce(into: Set<String>()) { $0.formUnion($1) }.count)
        // A gate whose `when` is false (incident_mode set by the rule) is skipped, not waited at.
        let awaiting = plan.steps.contains { $0.kind == "approve" && $0.status != .skipped && $0.status != .notReached }
        do {
            try await journal.appendAlertInput(.runStarted, source: source, run: run, incident: request.incident, detail: awaiting ? "approval" : nil,
                                               at: clock.now)
        } catch {
            logger.error("cannot journal that an incident's run started", metadata: ["run": "\(run)", "incident": "\(request.incident)", "error": "\(error)"])
        }
        await drain()
        await silence(for: request, run: run)
        // Followed only now: its end, whenever it comes, finds the silence journaled.
        follow(run)
    }

    /// Silences the incident's alerts while its run remediates, when its rule asks; a silence that
    /// cannot be made is said in a decision and holds nothing up.
    private func silence(for request: RunPlanRequest, run: String) async {
        guard let rule = rules.first(where: { $0.id == request.rule }), let spec = rule.silence else { return }
        let matchers = Self.silenceMatchers(rule: rule, key: request.incidentKey)
        let now = clock.now
        do {
            let silences = try AlertmanagerSilences(baseURL: spec.alertmanager)
            let id = try await silences.create(matchers: matchers, startsAt: now, endsAt: now.addingTimeInterval(spec.duration.timeInterval),
                                               createdBy: "warden",
                                               comment: "warden run \(run) remediates incident \(request.incident) (rule \(request.rule)); expired when the run ends")
            _ = try? await journal.appendAlertInput(.silenced, source: "warden", run: run, incident: request.incident, detail: "\(id) \(spec.alertmanager)",
                                                at: clock.now)
        } catch {
            _ = try? await journal.appendAlertInput(.silenceFailed, source: "warden", run: run, incident: request.incident,
                                                detail: VisibleText.line(error.description), at: clock.now)
        }
        await drain()
    }

    /// The rule's own matchers and the incident's labels: exactly this incident's alerts.
    static func silenceMatchers(rule: AlertRule, key: IncidentKey) -> [AlertmanagerMatcher] {
        rule.matchers.map { matcher in
            AlertmanagerMatcher(name: matcher.name, value: matcher.value, isRegex: matcher.op == .matchesRegex || matcher.op == .notMatchesRegex,
                                isEqual: matcher.op == .equal || matcher.op == .matchesRegex)
        } + key.labels.map { AlertmanagerMatcher(name: $0.name, value: $0.value) }
    }

    /// Expires the silences made for `run` (its end is journaled), each outcome a decision; then
    /// learns from each Alertmanager which of the incident's alerts resolved meanwhile.
    private func expireSilences(of run: String) async {
        let made = silences[run] ?? []
        for (id, alertmanager) in made {
            var outcome: String?
            do {
                try await AlertmanagerSilences(baseURL: alertmanager).expire(id: id)
            } catch {
                outcome = VisibleText.line(error.description)
            }
            _ = try? await journal.appendAlertInput(.silenceExpired, source: "warden", run: run, incident: incidentOfRun[run],
                                                detail: "\(id) \(alertmanager)" + (outcome.map { ": \($0)" } ?? ""), at: clock.now)
        }
        await drain()
        for alertmanager in Set(made.map(\.alertmanager)).sorted() {
            await resolveMutedResolutions(of: run, in: alertmanager)
        }
    }

    /// Alertmanager never sends the resolution of an alert that resolved while a silence muted it
    /// (send_resolved or not; prometheus/alertmanager#226): it drops the alert at the next flush.
    /// A run that fixed its incident's cause usually ends right there, with the alert resolved
    /// under Warden's own silence, and the incident would stay open for good, every later alert
    /// of its key attached to it and no run started again. So once the silence is lifted, the
    /// incident's alerts that Alertmanager no longer holds as firing are journaled as a resolved
    /// delivery (source `warden`, group key `warden/resolved-while-silenced/RUN`), decided like
    /// one from Alertmanager. Alertmanager cannot be asked: the incident stays as it is, logged.
    private func resolveMutedResolutions(of run: String, in alertmanager: String) async {
        guard let id = incidentOfRun[run], let incident = decider.incident(id), !incident.firing.isEmpty,
              let rule = rules.first(where: { $0.id == incident.key.rule }) else { return }
        let firing: Set<String>
        do {
            firing = try await AlertmanagerSilences(baseURL: alertmanager).firingAlerts(matching: Self.silenceMatchers(rule: rule, key: incident.key))
        } catch {
            logger.warning("cannot ask Alertmanager which alerts of an incident still fire after its silence; one that resolved while silenced keeps the incident open until it fires and resolves again, or an operator closes it",
                           metadata: ["incident": "\(id)", "run": "\(run)", "error": "\(error)"])
            return
        }
        // Read again after the wait: deliveries decided meanwhile may have resolved some already.
        guard let current = decider.incident(id) else { return }
        let resolved = current.firing.subtracting(firing).sorted()
        guard !resolved.isEmpty else { return }
        let now = clock.now
        let delivery = AlertmanagerDelivery(
            groupKey: "warden/resolved-while-silenced/\(run)", status: .resolved, receiver: "warden", externalURL: alertmanager,
            alerts: resolved.map { fingerprint in
                AlertmanagerAlert(status: .resolved, labels: decider.labels(ofAlert: fingerprint) ?? [:], startsAt: AlertTimestamp(current.openedAt),
                                  endsAt: AlertTimestamp(now), fingerprint: fingerprint)
            })
        logger.notice("alerts of an incident resolved while silenced; Alertmanager does not send such resolutions, so Warden journals one",
                      metadata: ["incident": "\(id)", "run": "\(run)", "alerts": "\(resolved.joined(separator: ","))"])
        do {
            try await journal.appendAlertInput(.delivery, source: "warden", body: delivery.body, at: now)
        } catch {
            logger.error("cannot journal the resolution of alerts that resolved while silenced", metadata: ["incident": "\(id)", "error": "\(error)"])
            return
        }
        await drain()
    }

    private func failed(_ request: RunPlanRequest, reason: String) async {
        pending[request.incident] = nil
        do {
            try await journal.appendAlertInput(.startFailed, source: "warden", incident: request.incident, detail: VisibleText.line(reason), at: clock.now)
        } catch {
            logger.error("cannot journal a failed start", metadata: ["incident": "\(request.incident)", "error": "\(error)"])
        }
        await drain()
    }

    /// Reports the run's end once it ends (at once if it already has).
    private func follow(_ run: String) {
        guard followed.insert(run).inserted else { return }
        Task {
            _ = await dispatcher.awaitEnd(run)
            // A run another controller carries (or adopted later) ends when its journal says so.
            while let journaled = try? await journal.run(run), case .running = journaled.status {
                try? await clock.sleep(for: .seconds(2))
                _ = await dispatcher.awaitEnd(run)
            }
            await self.ended(run)
        }
    }

    private func ended(_ run: String) async {
        remediating[run] = nil
        followed.remove(run)
        metrics.targetsInRemediation(remediating.values.reduce(into: Set<String>()) { $0.formUnion($1) }.count)
        do {
            try await journal.appendAlertInput(.runEnded, source: "warden", run: run, at: clock.now)
        } catch {
            logger.error("cannot journal an incident run's end", metadata: ["run": "\(run)", "error": "\(error)"])
        }
        await drain()
        await expireSilences(of: run)
    }

    // MARK: Requests

    /// The run an incident asks for, its label-rendered parameters converted to the runbook's types.
    private func runRequest(for request: RunPlanRequest, identity: RunIdentity, planHash: String?) async throws(AdmissionError) -> RunRequest {
        try await state.runRequest(runbook: request.runbook, inventory: request.inventory, params: request.params, source: "from the alert",
                                   identity: identity, planHash: planHash)
    }

    /// Who starts an incident's run: the rule and the incident, as the run's initiator, which is how
    /// the run is found again when the daemon died between starting it and journaling that it did.
    static func initiator(rule: String, incident: String) -> String { "alert:\(rule)/\(incident)" }

    private func identity(for request: RunPlanRequest) async -> RunIdentity {
        RunIdentity(user: Self.initiator(rule: request.rule, incident: request.incident), controller: await dispatcher.settings.controller,
                    trigger: .alert, proof: "alert rule \(request.rule), incident \(request.incident)")
    }

    /// Hosts a plan's mutating steps may change.
    static func changedHosts(_ plan: Plan) -> Set<String> {
        Set(plan.steps.filter(\.mutating).flatMap { $0.hosts.map(\.host) })
    }
}
