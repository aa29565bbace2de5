import Foundation
import Prometheus
import WardenCore

/// The daemon's Prometheus metrics, every family named and described here
/// once: the registry stops the process on a family registered twice with a
/// different help text or label names, so nothing else makes series. Labels
/// are bounded sets (runbook names from the catalog, triggers, outcomes,
/// failure kinds, route templates, status codes): never a host, a run id or a
/// parameter, which would grow without end.
public final class WardenMetrics: DispatcherObserver {
    public let registry = PrometheusCollectorRegistry()

    /// name, help: the one table of families.
    enum Family: String, CaseIterable {
        case runsStarted = "warden_runs_started_total"
        case runsFinished = "warden_runs_finished_total"
        case runDuration = "warden_run_duration_seconds"
        case runsActive = "warden_runs_active"
        case approvalsPending = "warden_approvals_pending"
        case hostCommands = "warden_host_commands_total"
        case hostFailures = "warden_host_failures_total"
        case journalAppend = "warden_journal_append_seconds"
        case httpRequests = "warden_http_requests_total"
        case buildInfo = "warden_build_info"
        case alertDeliveries = "warden_alert_deliveries_total"
        case decisions = "warden_decisions_total"
        case incidentsOpen = "warden_incidents_open"
        case targetsInRemediation = "warden_targets_in_remediation"
        case scheduleOccurrences = "warden_schedule_occurrences_total"
        case scheduleNext = "warden_schedule_next_occurrence_timestamp_seconds"
        case scheduleLag = "warden_schedule_lag_seconds"
        case runsLost = "warden_runs_lost_total"
        case runsAdopted = "warden_runs_adopted_total"
        case queueOpen = "warden_queue_open_items"
        case queueClaims = "warden_queue_claims_total"
        case monitorValue = "warden_monitor_value"
        case monitorRules = "warden_monitor_rules_firing"

        /// The whole name as the metric name (no namespace or unit parts: the names above are the ones dashboards use).
        var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: rawValue, unitName: "", helpText: help) }

        var help: String {
            switch self {
            case .runsStarted: "Runs started, by runbook and trigger (terminal, api, schedule, alert)."
            case .runsFinished: "Runs this daemon carried to their end, by runbook and outcome."
            case .runDuration: "How long runs this daemon carried took, start to end, cleanup included."
            case .runsActive: "Runs this daemon is carrying now."
            case .approvalsPending: "Runs in the journal waiting at an approval gate."
            case .hostCommands: "Host commands of runs this daemon carried, by outcome (ok, failed)."
            case .hostFailures: "Failed host commands by kind (unreachable, authentication, host_key, timeout, nonzero, other)."
            case .journalAppend: "Time to write one journal transaction durably."
            case .httpRequests: "HTTP requests answered, by route template and status code."
            case .buildInfo: "The running Warden's version (always 1)."
            case .alertDeliveries: "Alertmanager deliveries, by result (accepted, duplicate, rejected)."
            case .decisions: "Decisions about alert deliveries, by rule (none: no rule) and decision kind."
            case .incidentsOpen: "Alert incidents open now."
            case .targetsInRemediation: "Hosts that active alert-started runs may change."
            case .scheduleOccurrences: "Scheduled occurrences that ended, by schedule and outcome (started, missed, skipped-overlap, ...)."
            case .scheduleNext: "When each schedule's next occurrence starts, seconds since 1970 (UTC)."
            case .scheduleLag: "How late scheduled runs started: the run's start less its occurrence's nominal start."
            case .runsLost: "Runs this daemon carried that another controller adopted after this one's lease lapsed (it froze, lost the journal or was paused)."
            case .runsAdopted: "Runs this daemon adopted from a controller that died or stopped renewing its lease, by result (resumed, waiting)."
            case .queueOpen: "Work items in the journal's queue that have not started yet, as this daemon last read them (every controller sharing the journal reads the same queue)."
            case .queueClaims: "Work items this daemon claimed, by what became of them (started, refused, given_back: it had no room after all)."
            case .monitorValue: "The figure each monitor rule read in its monitor's latest sample (NaN: none), by monitor and figure (the rule's name)."
            case .monitorRules: "Monitor rules firing now, by monitor."
            }
        }
    }

    static let durationBuckets: [Double] = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 21600]
    static let lagBuckets: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600]
    static let appendBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    private let active: Gauge
    private let pending: Gauge
    private let append: ValueHistogram
    private let incidents: Gauge
    private let remediating: Gauge
    private let queued: Gauge

    public init(version: String) {
        active = registry.makeGauge(descriptor: Family.runsActive.descriptor)
        pending = registry.makeGauge(descriptor: Family.approvalsPending.descriptor)
        append = registry.makeValueHistogram(descriptor: Family.journalAppend.descriptor, buckets: Self.appendBuckets)
        incidents = registry.makeGauge(descriptor: Family.incidentsOpen.descriptor)
        remediating = registry.makeGauge(descriptor: Family.targetsInRemediation.descriptor)
        queued = registry.makeGauge(descriptor: Family.queueOpen.descriptor)
        for result in ["started", "refused", "given_back"] { counter(.queueClaims, [("result", result)]).increment(by: Int64(0)) }
        for result in ["accepted", "duplicate", "rejected"] { counter(.alertDeliveries, [("result", result)]).increment(by: Int64(0)) }
        registry.makeGauge(descriptor: Family.buildInfo.descriptor, labels: [("version", version)]).set(to: 1)
        // Every outcome and failure kind from the start, so a dashboard's rate() has a series before the first failure.
        for outcome in ["ok", "failed"] { counter(.hostCommands, [("outcome", outcome)]).increment(by: Int64(0)) }
        for kind in HostFailureKind.allCases { counter(.hostFailures, [("kind", kind.rawValue)]).increment(by: Int64(0)) }
        counter(.runsLost, []).increment(by: Int64(0))
        for result in ["resumed", "waiting"] { counter(.runsAdopted, [("result", result)]).increment(by: Int64(0)) }
    }

    private func counter(_ family: Family, _ labels: [(String, String)]) -> Counter {
        registry.makeCounter(descriptor: family.descriptor, labels: labels)
    }

    public func runStarted(runbook: String, trigger: RunTrigger) {
        counter(.runsStarted, [("runbook", runbook), ("trigger", trigger.rawValue)]).increment()
    }

    public func runFinished(runbook: String, status: RunStatus, seconds: Double) {
        counter(.runsFinished, [("runbook", runbook), ("outcome", status.rawValue)]).increment()
        registry.makeValueHistogram(descriptor: Family.runDuration.descriptor, labels: [("runbook", runbook)], buckets: Self.durationBuckets).record(seconds)
    }

    public func activeRunsChanged(to count: Int) { active.set(to: Double(count)) }

    public func hostCommandFinished(failure: HostFailureKind?) {
        counter(.hostCommands, [("outcome", failure == nil ? "ok" : "failed")]).increment()
        if let failure { counter(.hostFailures, [("kind", failure.rawValue)]).increment() }
    }

    func approvalsPending(_ count: Int) { pending.set(to: Double(count)) }

    func runLost() { counter(.runsLost, []).increment() }

    /// A run adopted here: `resumed`, or `waiting` for an operator.
    func runAdopted(_ result: String) { counter(.runsAdopted, [("result", result)]).increment() }

    func journalWrite(seconds: Double) { append.record(seconds) }

    /// How many work items wait or are claimed, as just read.
    func queueOpen(_ count: Int) { queued.set(to: Double(count)) }

    /// What became of a work item this daemon claimed: `started`, `refused` or `given_back`.
    func queueClaim(_ result: String) { counter(.queueClaims, [("result", result)]).increment() }

    /// An Alertmanager delivery: `accepted`, `duplicate` or `rejected`.
    func alertDelivery(_ result: String) { counter(.alertDeliveries, [("result", result)]).increment() }

    /// A decision; `rule` is a configured rule id (bounded) or `none`.
    func decision(rule: String?, kind: String) { counter(.decisions, [("rule", rule ?? "none"), ("decision", kind)]).increment() }

    func incidentsOpen(_ count: Int) { incidents.set(to: Double(count)) }

    func targetsInRemediation(_ count: Int) { remediating.set(to: Double(count)) }

    /// An occurrence of a configured schedule (a bounded set) ended with `outcome` (`ScheduleOutcome.kinds`).
    func scheduleOccurrence(schedule: String, outcome: String) {
        counter(.scheduleOccurrences, [("schedule", schedule), ("outcome", outcome)]).increment()
    }

    /// Every outcome of every schedule from the start, so rate() and alerts on `missed` have a series.
    func scheduleConfigured(_ schedule: String) {
        for outcome in ScheduleOutcome.kinds { counter(.scheduleOccurrences, [("schedule", schedule), ("outcome", outcome)]).increment(by: Int64(0)) }
    }

    func scheduleNext(schedule: String, at date: Date?) {
        registry.makeGauge(descriptor: Family.scheduleNext.descriptor, labels: [("schedule", schedule)]).set(to: date?.timeIntervalSince1970 ?? 0)
    }

    func scheduleLag(schedule: String, seconds: Double) {
        registry.makeValueHistogram(descriptor: Family.scheduleLag.descriptor, labels: [("schedule", schedule)], buckets: Self.lagBuckets)
            .record(max(0, seconds))
    }

    /// `route` is the route's template (`/api/v1/runs/{id}`), never the path a client sent.
    func httpRequest(route: String, code: Int) {
        counter(.httpRequests, [("route", route), ("code", String(code))]).increment()
    }

    /// The text format Prometheus scrapes.
    /// A monitor rule's latest figure; NaN when the sample had none (a Prometheus gap, not a zero).
    func monitorValue(monitor: String, figure: String, value: Double?) {
        registry.makeGauge(descriptor: Family.monitorValue.descriptor, labels: [("monitor", monitor), ("figure", figure)]).set(to: value ?? .nan)
    }

    func monitorRulesFiring(monitor: String, count: Int) {
        registry.makeGauge(descriptor: Family.monitorRules.descriptor, labels: [("monitor", monitor)]).set(to: Double(count))
    }

    func exposition() -> [UInt8] { registry.emitToBuffer() }
}
