import Foundation

/// Everything the alert decider remembers, as a value: delivery keys already
/// decided, each alert's recent state changes, open incidents and recent starts.
///
/// It changes only through `apply(_:rules:)`, from inputs that carry their own
/// time, so the daemon rebuilds it after a restart by replaying its journal
/// (`replay`) and comes back to the same incidents and throttles. Time is wall
/// time (`Date`) for that reason: a monotonic instant does not survive a restart.
///
/// Memory is bounded (`Limits`): the oldest delivery keys, the least recently
/// seen alerts and the oldest starts are forgotten first. Forgetting a delivery
/// key can only turn a late duplicate into an `attached` (its incident is open) or
/// a `throttled`; forgetting starts older than every rule's windows changes nothing.
public struct AlertDeciderState: Sendable, Equatable {
    public struct Limits: Sendable, Equatable {
        public var deliveryKeys = 10_000
        public var alerts = 10_000
        /// State changes kept per alert (more than any sensible `flapping.changes`).
        public var changesPerAlert = 64
        public var starts = 10_000
        /// `alerts.max_runs` of the serve config: starts over every rule within a period.
        public var maxRuns: AlertRunLimit?
        /// Deliveries of one key within this many seconds are twins (an HA peer's) or retries:
        /// `duplicate`; later re-sends of an unchanged group are `attached` to their open incident.
        public var duplicateWindow: TimeInterval = 60

        public init() {}
    }

    /// What is known of one alert (by fingerprint).
    struct AlertHistory: Sendable, Equatable {
        var status: AlertStatus
        var labels: [String: String]
        var lastSeen: Date
        /// When its status changed, oldest first.
        var changes: [Date]
    }

    /// A start decided for a rule and key, for the throttles.
    struct Start: Sendable, Equatable {
        let rule: String
        let key: IncidentKey
        let incident: String
        /// Its run's id, once the server said it started.
        var run: String?
        let at: Date
    }

    /// Set again on a reload (`alerts:` of the serve config); decisions already made stay.
    public var limits: Limits
    /// Delivery keys decided, with when each was last seen.
    private(set) var seenKeys: [String: Date] = [:]
    private var seenOrder: [String] = []
    private var seenStart = 0
    private(set) var alerts: [String: AlertHistory] = [:]
    /// Open incidents by key.
    public private(set) var incidents: [IncidentKey: AlertIncident] = [:]
    private(set) var starts: [Start] = []
    private var incidentCount = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The state after `inputs`, in order, under `rules`, with the decisions each input led to.
    public static func replay(_ inputs: some Sequence<AlertDeciderInput>, rules: [AlertRule], limits: Limits = Limits())
        -> (state: AlertDeciderState, decisions: [[AlertDecision]]) {
        var state = AlertDeciderState(limits: limits)
        let decisions = inputs.map { state.apply($0, rules: rules) }
        return (state, decisions)
    }

    /// An open incident by id.
    public func incident(_ id: String) -> AlertIncident? {
        incidents.values.first { $0.id == id }
    }

    /// The labels of the alert with `fingerprint`, as last delivered; nil once forgotten.
    public func labels(ofAlert fingerprint: String) -> [String: String]? {
        alerts[fingerprint]?.labels
    }

    /// Takes one input into account and says what follows from it.
    public mutating func apply(_ input: AlertDeciderInput, rules: [AlertRule]) -> [AlertDecision] {
        switch input {
        case let .delivery(.failure(error), _):
            return [.invalid(error)]
        case let .delivery(.success(delivery), now):
            return decide(delivery, rules: rules, now: now)
        case let .runStarted(run, id, awaitingApproval, _):
            guard let key = incident(id)?.key else { return [] }
            incidents[key]?.startPending = false
            incidents[key]?.runs.insert(run)
            incidents[key]?.lastRun = run
            if let index = starts.lastIndex(where: { $0.incident == id }) { starts[index].run = run }
            return [.started(incident: id, key: key, run: run, awaitingApproval: awaitingApproval)]
        case let .startFailed(id, reason, _):
            guard let key = incident(id)?.key, let open = incidents[key] else { return [] }
            incidents[key] = nil
            return [.notStarted(incident: open.id, key: key, reason: reason), .closed(incident: open.id, key: key, .startFailed)]
        case let .silenced(run, id, silence, alertmanager, _):
            return [.silenced(incident: id, rule: incident(id)?.key.rule, run: run, silence: silence, alertmanager: alertmanager)]
        case let .silenceFailed(run, id, reason, _):
            return [.silenceFailed(incident: id, rule: incident(id)?.key.rule, run: run, reason: reason)]
        case let .silenceExpired(run, id, silence, alertmanager, outcome, _):
            return [.silenceExpired(incident: id, run: run, silence: silence, alertmanager: alertmanager, outcome: outcome)]
        case let .planned(id, hash, _):
            guard let key = incident(id)?.key else { return [] }
            return [.awaitingApproval(incident: id, key: key, planHash: hash)]
        case let .runEnded(run, _):
            for key in incidents.keys where incidents[key]?.runs.contains(run) == true {
                incidents[key]?.runs.remove(run)
            }
            return closeSettled()
        case let .close(id, reason, _):
            guard let key = incident(id)?.key else { return [] }
            incidents[key] = nil
            return [.closed(incident: id, key: key, .byOperator(reason))]
        case .monitorSample:
            return []
        }
    }

    private mutating func decide(_ delivery: AlertmanagerDelivery, rules: [AlertRule], now: Date) -> [AlertDecision] {
        let deliveryKey = delivery.deliveryKey
        if let seen = seenKeys[deliveryKey] {
            seenKeys[deliveryKey] = now
            // A twin or a retry (within a minute) is a duplicate. A later re-send of the unchanged group
            // (Alertmanager's repeat_interval) belongs to the open incident it is about: attached, it
            // starts nothing, and throttles need not hold it back.
            guard now.timeIntervalSince(seen) >= limits.duplicateWindow else { return [.duplicate(deliveryKey: deliveryKey)] }
            let firing = Set(delivery.alerts.filter { $0.status == .firing }.map(\.fingerprint))
            let open = incidents.values.filter { !$0.firing.isDisjoint(with: firing) }.sorted { $0.key < $1.key }
            if !open.isEmpty { return open.map { .attached(incident: $0.id, key: $0.key, run: $0.lastRun) } }
            // A re-send that no open incident covers (its start was throttled, or an operator closed
            // its incident) is decided afresh, as a new delivery: taken for a twin, an alert held back
            // by a throttle that has since lapsed would never be acted on. Seen in a test.
        } else {
            remember(deliveryKey, at: now)
        }

        // Alerts in a fixed order, so that the same delivery decides the same way every time.
        let ordered = delivery.alerts.sorted { ($0.fingerprint, $0.startsAt) < ($1.fingerprint, $1.startsAt) }
        var newlyResolved: Set<String> = []
        let flappingWindow = rules.compactMap { $0.throttles.flapping?.within }.max() ?? .zero
        for alert in ordered {
            var history = alerts[alert.fingerprint] ?? AlertHistory(status: alert.status, labels: alert.labels, lastSeen: now, changes: [])
            if alerts[alert.fingerprint] != nil, history.status != alert.status {
                history.changes.append(now)
                if alert.status == .resolved { newlyResolved.insert(alert.fingerprint) }
            }
            history.status = alert.status
            history.labels = alert.labels
            history.lastSeen = now
            history.changes.removeAll { now.timeIntervalSince($0) > flappingWindow.timeInterval }
            if history.changes.count > limits.changesPerAlert { history.changes.removeFirst(history.changes.count - limits.changesPerAlert) }
            alerts[alert.fingerprint] = history
            if alert.status == .resolved {
                for key in incidents.keys where incidents[key]?.firing.contains(alert.fingerprint) == true {
                    incidents[key]?.firing.remove(alert.fingerprint)
                }
            }
        }

        // Incidents this delivery settled close first: a rule acting on `resolved` then starts
        // its own run instead of attaching to the incident that just ended.
        var decisions = closeSettled()
        var anyMatched = false
        for rule in rules {
            // A firing alert triggers while it fires (an open incident absorbs the repeats);
            // a resolved one only when it has just resolved, not on every re-send.
            let triggering = ordered.filter { rule.matches($0) && ($0.status == .firing || newlyResolved.contains($0.fingerprint)) }
            guard !triggering.isEmpty else { continue }
            anyMatched = true
            var acting: [AlertmanagerAlert] = []
            for alert in triggering {
                if let flapping = rule.throttles.flapping,
                   case let changes = (alerts[alert.fingerprint]?.changes ?? []).count(where: { now.timeIntervalSince($0) <= flapping.within.timeInterval }),
                   changes > flapping.changes {
                    decisions.append(.flapping(key: rule.incidentKey(for: alert.labels), alert: alert.fingerprint, changes: changes, within: flapping.within))
                } else {
                    acting.append(alert)
                }
            }
            if let escalation = rule.escalation {
                acting = escalate(acting, rule: rule, escalation: escalation, now: now, into: &decisions)
            }
            var groups: [IncidentKey: [AlertmanagerAlert]] = [:]
            for alert in acting { groups[rule.incidentKey(for: alert.labels), default: []].append(alert) }
            for (key, members) in groups.sorted(by: { $0.key < $1.key }) {
                act(rule: rule, key: key, alerts: members, runbook: rule.runbook, params: rule.params,
                    labels: members[0].labels, annotations: members[0].annotations, now: now, into: &decisions)
            }
        }
        decisions += closeSettled()
        forgetOldAlerts()
        pruneStarts(rules: rules, now: now)
        if decisions.isEmpty {
            let firing = delivery.alerts.contains { $0.status == .firing }
            decisions.append(firing && !anyMatched ? .noRuleMatched : .resolvedOnly)
        }
        return decisions
    }

    /// Handles a rule's escalation; returns the alerts still to act on per member.
    private mutating func escalate(_ acting: [AlertmanagerAlert], rule: AlertRule, escalation: AlertEscalation, now: Date,
                                   into decisions: inout [AlertDecision]) -> [AlertmanagerAlert] {
        var scopes: [IncidentKey: [AlertmanagerAlert]] = [:]
        for alert in acting {
            if let scope = rule.escalationKey(for: alert.labels) { scopes[scope, default: []].append(alert) }
        }
        var remaining = acting
        for (scope, members) in scopes.sorted(by: { $0.key < $1.key }) {
            if incidents[scope] == nil {
                // Counted over every alert known to fire under the rule in the scope, not only this
                // delivery's: Alertmanager may group the members apart.
                let firing = alerts.filter { _, history in
                    history.status == .firing && history.labels[escalation.label] != nil && LabelMatcher.all(rule.matchers, match: history.labels)
                        && rule.escalationKey(for: history.labels) == scope
                }
                let count = Set(firing.values.compactMap { $0.labels[escalation.label] }).count
                guard count >= escalation.atLeast, firing.count > 0 else { continue }
                var common = firing.values.first?.labels ?? [:]
                for history in firing.values { common = common.filter { history.labels[$0.key] == $0.value } }
                let mark = decisions.count
                act(rule: rule, key: scope, alerts: [], runbook: escalation.runbook, params: escalation.params, labels: common, annotations: [:],
                    now: now, into: &decisions, firing: Set(firing.keys))
                guard let opened = incidents[scope] else {
                    // Throttled or unrenderable: said so; the members are not acted on one by one either,
                    // since the scope is past the threshold where per-member runs stop.
                    let covered = Set(members.map(\.fingerprint))
                    remaining.removeAll { covered.contains($0.fingerprint) }
                    continue
                }
                decisions.insert(.escalated(incident: opened.id, key: scope, runbook: escalation.runbook, members: count, atLeast: escalation.atLeast),
                                 at: mark)
            }
            guard let open = incidents[scope] else { continue }
            incidents[scope]?.firing.formUnion(members.map(\.fingerprint))
            let memberKeys = Set(members.map { rule.incidentKey(for: $0.labels) })
            for key in memberKeys.sorted() { decisions.append(.suppressedByEscalation(incident: open.id, key: key)) }
            let covered = Set(members.map(\.fingerprint))
            remaining.removeAll { covered.contains($0.fingerprint) }
        }
        return remaining
    }

    /// Attaches to the key's open incident, or checks the throttles and opens one with a start.
    private mutating func act(rule: AlertRule, key: IncidentKey, alerts members: [AlertmanagerAlert], runbook: String, params: [String: AlertTemplate],
                              labels: [String: String], annotations: [String: String], now: Date, into decisions: inout [AlertDecision],
                              firing: Set<String>? = nil) {
        let firingNow = firing ?? Set(members.filter { $0.status == .firing }.map(\.fingerprint))
        if let open = incidents[key] {
            incidents[key]?.firing.formUnion(firingNow)
            decisions.append(.attached(incident: open.id, key: key, run: open.lastRun))
            return
        }
        if let window = rule.throttles.onceWithin,
           let last = starts.last(where: { $0.rule == rule.id && $0.key == key && now.timeIntervalSince($0.at) < window.timeInterval }) {
            decisions.append(.throttled(key: key, .onceWithin(window: window, lastIncident: last.incident, lastRun: last.run, at: last.at)))
            return
        }
        if let limit = rule.throttles.maxRuns {
            let recent = starts.filter { $0.rule == rule.id && now.timeIntervalSince($0.at) < limit.within.timeInterval }
            if recent.count >= limit.count, let oldest = recent.first {
                decisions.append(.throttled(key: key, .maxRuns(count: limit.count, within: limit.within, oldest: oldest.at)))
                return
            }
        }
        if let limit = limits.maxRuns {
            let recent = starts.filter { now.timeIntervalSince($0.at) < limit.within.timeInterval }
            if recent.count >= limit.count, let oldest = recent.first {
                decisions.append(.throttled(key: key, .maxRunsOverall(count: limit.count, within: limit.within, oldest: oldest.at)))
                return
            }
        }
        var rendered: [String: String] = [:]
        for (name, template) in params.sorted(by: { $0.key < $1.key }) {
            do {
                rendered[name] = try template.render(labels: labels, annotations: annotations, parameter: name)
            } catch {
                decisions.append(.unrenderable(key: key, error))
                return
            }
        }
        let id = nextIncidentID()
        incidents[key] = AlertIncident(id: id, key: key, openedAt: now, firing: firingNow)
        starts.append(Start(rule: rule.id, key: key, incident: id, run: nil, at: now))
        decisions.append(.start(RunPlanRequest(rule: rule.id, runbook: runbook, inventory: rule.inventory, params: rendered, incidentKey: key,
                                               incident: id, escalated: key.escalated, approval: rule.approval)))
    }

    private mutating func nextIncidentID() -> String {
        incidentCount += 1
        return "I\(incidentCount)"
    }

    private mutating func closeSettled() -> [AlertDecision] {
        let settled = incidents.values.filter(\.isSettled).sorted { $0.key < $1.key }
        for incident in settled { incidents[incident.key] = nil }
        return settled.map { .closed(incident: $0.id, key: $0.key, .resolved) }
    }

    private mutating func remember(_ key: String, at now: Date) {
        seenKeys[key] = now
        seenOrder.append(key)
        while seenKeys.count > limits.deliveryKeys, seenStart < seenOrder.count {
            seenKeys[seenOrder[seenStart]] = nil
            seenStart += 1
        }
        if seenStart > seenOrder.count / 2 + 64 {
            seenOrder.removeFirst(seenStart)
            seenStart = 0
        }
    }

    /// Keeps the most recently seen alerts; an alert still in an open incident is
    /// kept over one that is not only if it was seen as recently.
    private mutating func forgetOldAlerts() {
        guard alerts.count > limits.alerts else { return }
        let oldest = alerts.sorted { ($0.value.lastSeen, $0.key) < ($1.value.lastSeen, $1.key) }.prefix(alerts.count - limits.alerts)
        for (fingerprint, _) in oldest { alerts[fingerprint] = nil }
    }

    /// Forgets starts no rule's window can still see, and the oldest beyond the limit.
    private mutating func pruneStarts(rules: [AlertRule], now: Date) {
        let horizon = (rules.flatMap { [$0.throttles.onceWithin, $0.throttles.maxRuns?.within].compactMap { $0 } } + [limits.maxRuns?.within].compactMap { $0 })
            .max() ?? .zero
        starts.removeAll { now.timeIntervalSince($0.at) >= horizon.timeInterval }
        if starts.count > limits.starts { starts.removeFirst(starts.count - limits.starts) }
    }
}
