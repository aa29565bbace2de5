import Foundation
import Logging
import WardenCore

/// The config's `monitors:`: each takes its rules file's probes every
/// `every`, journals the round (an alert input of kind `monitor-sample`)
/// before judging it, and hands the rules that start or stop firing to
/// incident automation as an Alertmanager-shaped delivery, so alert rules,
/// dedup, incidents, throttles and recorded decisions apply to them exactly
/// as to Alertmanager's alerts.
///
/// After a restart (or on another controller of the journal) the windows
/// are rebuilt from the journaled rounds, and the rules firing then are
/// announced again: a repeat of an alert already decided on is a duplicate
/// to the decider, and one the dead daemon never got to announce is not lost.
actor MonitorService {
    private let journal: Journal
    private let state: DaemonState
    private let alerts: AlertService
    private let metrics: WardenMetrics
    private let clock: any EngineClock
    private let logger: Logger
    private let makeTransport: @Sendable () -> any HostTransport

    private var trackers: [String: MonitorTracker] = [:]
    private var contexts: [String: EngineContext] = [:]
    private var loops: [String: Task<Void, Never>] = [:]

    init(journal: Journal, state: DaemonState, alerts: AlertService, metrics: WardenMetrics, clock: any EngineClock, logger: Logger,
         makeTransport: @escaping @Sendable () -> any HostTransport) {
        self.journal = journal
        self.state = state
        self.alerts = alerts
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        self.makeTransport = makeTransport
    }

    // MARK: Life

    /// Loads each monitor, rebuilds its windows from the journal, announces what fires, and starts sampling.
    func start() async {
        let configuration = await state.configuration
        guard !configuration.monitors.isEmpty else { return }
        let inputs: [AlertInputEntry]
        do {
            inputs = try await journal.alertInputs().filter { $0.kind == .monitorSample }
        } catch {
            logger.error("cannot read the journal's monitor samples; monitors do not run until a restart", metadata: ["error": "\(error)"])
            return
        }
        for monitor in configuration.monitors {
            guard let inventory = configuration.inventories[monitor.inventory] else { continue }
            let context: EngineContext
            do {
                context = try monitor.inputs(inventory: inventory, clock: clock).loadMonitor().context
            } catch {
                logger.error("monitor does not load; it is not sampled", metadata: ["monitor": "\(monitor.id)", "error": "\(error.description)"])
                continue
            }
            var tracker = MonitorTracker(monitor: monitor, rules: context.runbook.monitorRules)
            var replayed = 0
            for entry in inputs where entry.source == monitor.source {
                guard let record = entry.body.flatMap(MonitorRecord.decode) else { continue }
                let time = Date(timeIntervalSince1970: entry.at)
                tracker.add(record.points(at: time), at: time)
                replayed += 1
            }
            contexts[monitor.id] = context
            trackers[monitor.id] = tracker
            publish(tracker)
            logger.info("monitor", metadata: ["monitor": "\(monitor.id)", "rules": "\(tracker.rules.count)", "samples_replayed": "\(replayed)",
                                              "firing": "\(tracker.firingSince.keys.sorted())"])
            if !tracker.firingSince.isEmpty {
                await announce(tracker, started: Array(tracker.firingSince.keys), stopped: [], at: clock.now)
            }
            let id = monitor.id
            loops[id] = Task { await self.sampleForever(id, every: monitor.every) }
        }
    }

    /// Stops sampling (shutdown).
    func stop() {
        for loop in loops.values { loop.cancel() }
        loops = [:]
    }

    /// A reload: monitors start again from the journal with the new config.
    func reload() async {
        stop()
        trackers = [:]
        contexts = [:]
        await start()
    }

    // MARK: Rounds

    private func sampleForever(_ id: String, every: Duration) async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: every)
            } catch {
                return
            }
            await round(id)
        }
    }

    /// One round: sample, journal, judge, announce what changed.
    func round(_ id: String) async {
        guard let context = contexts[id], var tracker = trackers[id] else { return }
        let transport = makeTransport()
        let time = clock.now
        let sample = await MonitorSampler(context: context).sample(transport: transport, at: time, concurrency: 16)
        await transport.close()
        do {
            // Journaled before it counts: a window never rests on a sample the journal does not have.
            let firing = sample.points.values.filter { $0.breach == true }.count
            try await journal.appendAlertInput(.monitorSample, source: tracker.monitor.source,
                                               body: MonitorRecord(monitor: id, points: sample.points).encoded(),
                                               detail: "\(sample.points.count) rules, \(firing) breaching", at: time)
        } catch {
            logger.error("cannot journal a monitor sample; it is not counted", metadata: ["monitor": "\(id)", "error": "\(error)"])
            return
        }
        for (rule, notes) in sample.notes.sorted(by: { $0.key < $1.key }) {
            logger.notice("monitor rule could not be judged", metadata: ["monitor": "\(id)", "rule": "\(rule)", "why": "\(notes.joined(separator: "; "))"])
        }
        let change = tracker.add(sample.points, at: time)
        trackers[id] = tracker
        publish(tracker)
        if !change.isEmpty {
            await announce(tracker, started: change.started, stopped: change.stopped, at: time)
        }
    }

    private func publish(_ tracker: MonitorTracker) {
        for rule in tracker.rules { metrics.monitorValue(monitor: tracker.monitor.id, figure: rule.name, value: tracker.values[rule.name]) }
        metrics.monitorRulesFiring(monitor: tracker.monitor.id, count: tracker.firingSince.count)
    }

    /// Hands the rules that began firing (and those that stopped) to incident automation.
    private func announce(_ tracker: MonitorTracker, started: [String], stopped: [MonitorTracker.Change.Stopped], at time: Date) async {
        var items: [MonitorDelivery.Alert] = []
        for name in started.sorted() {
            guard let rule = tracker.rules.first(where: { $0.name == name }), let since = tracker.firingSince[name] else { continue }
            items.append(MonitorDelivery.Alert(rule: rule, since: since, ended: nil, value: tracker.values[name],
                                               detail: tracker.verdicts[name]?.detail ?? ""))
        }
        for stop in stopped {
            guard let rule = tracker.rules.first(where: { $0.name == stop.rule }) else { continue }
            items.append(MonitorDelivery.Alert(rule: rule, since: stop.since, ended: time, value: tracker.values[stop.rule],
                                               detail: tracker.verdicts[stop.rule]?.detail ?? ""))
        }
        guard !items.isEmpty else { return }
        do {
            let (input, invalid) = try await alerts.receive(MonitorDelivery.body(items, of: tracker), from: tracker.monitor.source)
            logger.notice("monitor rules changed", metadata: [
                "monitor": "\(tracker.monitor.id)", "firing": "\(started.sorted())", "resolved": "\(stopped.map(\.rule).sorted())", "input": "\(input)",
            ])
            if let invalid { logger.error("a monitor's delivery was refused", metadata: ["monitor": "\(tracker.monitor.id)", "error": "\(invalid)"]) }
        } catch {
            logger.error("cannot journal a monitor's alerts", metadata: ["monitor": "\(tracker.monitor.id)", "error": "\(error)"])
        }
    }
}
