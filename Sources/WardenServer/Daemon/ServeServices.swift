import Foundation
import Logging
import WardenCore

/// What the routes work with: the daemon's state (config, catalog, tokens),
/// its dispatcher of runs, the journal, its metrics and clock. Built once by
/// `ServeDaemon` (or by a test, with an in-memory journal and transport).
public struct ServeServices: Sendable {
    public let state: DaemonState
    public let dispatcher: RunDispatcher
    public let journal: Journal
    let signal: ChangeSignal
    /// One shared reader per followed run, for every stream of it.
    let streams: RunEventHub
    public let metrics: WardenMetrics
    public let clock: any EngineClock
    public let startedAt: Date
    /// Runs adopted at start that wait for an operator's word.
    public let adoptions: AdoptionBoard
    let attempts: FailedAttempts
    /// The web UI's signed-in browsers (in memory: a restart signs everyone out).
    let sessions = WebSessions()
    /// Incident automation: Alertmanager deliveries, decisions, incidents.
    let alerts: AlertService
    /// Scheduled maintenance windows: occurrences, their approvals ahead, their outcomes.
    let schedules: ScheduleService
    /// The work queue: runs requested through the API that wait for a controller with room.
    let queue: QueueService
    /// `monitors:`: rules files' monitor rules sampled on an interval; what fires goes to `alerts`.
    let monitors: MonitorService
    /// How often a stream says it is alive (15 s; tests shorten it).
    var heartbeat: Duration = .seconds(15)

    /// `journal` must be the dispatcher's; use `ServeServices.make` to build both over a store.
    init(state: DaemonState, dispatcher: RunDispatcher, journal: Journal, signal: ChangeSignal, metrics: WardenMetrics, clock: any EngineClock,
         startedAt: Date, attempts: FailedAttempts, logger: Logger = Logger(label: "warden.serve")) {
        self.state = state
        self.dispatcher = dispatcher
        self.journal = journal
        self.signal = signal
        self.streams = RunEventHub(journal: journal, signal: signal)
        self.metrics = metrics
        self.clock = clock
        self.startedAt = startedAt
        self.adoptions = AdoptionBoard()
        self.attempts = attempts
        self.alerts = AlertService(journal: journal, dispatcher: dispatcher, state: state, metrics: metrics, clock: clock, logger: logger)
        self.schedules = ScheduleService(journal: journal, dispatcher: dispatcher, state: state, metrics: metrics, clock: clock, logger: logger)
        self.queue = QueueService(journal: journal, dispatcher: dispatcher, state: state, clock: clock, metrics: metrics, logger: logger)
        self.monitors = MonitorService(journal: journal, state: state, alerts: alerts, metrics: metrics, clock: clock, logger: logger,
                                       makeTransport: { [dispatcher] in dispatcher.readOnlyTransport() })
    }

    /// The services over `store`: its writes timed and signalled to streams, runs dispatched with
    /// `makeTransport`, the site policy applied.
    public static func make(state: DaemonState, store: any JournalStore, policy: ApprovalPolicy, clock: any EngineClock = SystemClock(),
                            controller: String = OperatingSystemUser.controller, logger: Logger = Logger(label: "warden.serve"),
                            makeTransport: @escaping @Sendable () -> any HostTransport) async -> ServeServices {
        let metrics = WardenMetrics(version: WardenVersion.current)
        let signal = ChangeSignal()
        let configuration = await state.configuration
        let journal = Journal(store: SignallingJournalStore(base: store, signal: signal, timed: { metrics.journalWrite(seconds: $0) }),
                              folder: configuration.state)
        let signer = configuration.signingKey.map { CheckpointSigner(key: $0, principal: OperatingSystemUser.name) }
        var settings = RunDispatcher.Settings(stateFolder: configuration.state, concurrency: configuration.concurrency,
                                              maximumActive: configuration.maximumActiveRuns, controller: controller, policy: policy,
                                              signer: signer, clock: clock)
        settings.runLease = configuration.runLease
        settings.adoptAfter = configuration.adoptAfter
        let dispatcher = RunDispatcher(journal: journal, settings: settings, observer: ServeRunObserver(metrics: metrics, logger: logger),
                                       makeTransport: makeTransport)
        let attempts = FailedAttempts(limit: configuration.failedAuthenticationLimit, clock: clock)
        return ServeServices(state: state, dispatcher: dispatcher, journal: journal, signal: signal, metrics: metrics, clock: clock,
                             startedAt: clock.now, attempts: attempts, logger: logger)
    }

    /// Loads the config again (SIGHUP, `POST /api/v1/reload`): the catalog, inventories, tokens and
    /// HTTP limits change at once, and the dispatcher takes the new run limits for the next runs;
    /// a config that does not validate changes nothing, and its problems are returned.
    func reload() async -> String? {
        if let failure = await state.reload(now: clock.now) { return failure }
        let configuration = await state.configuration
        await dispatcher.reconfigure(concurrency: configuration.concurrency, maximumActive: configuration.maximumActiveRuns)
        await alerts.reload()
        await schedules.reload()
        await monitors.reload()
        return nil
    }

    /// A journal that records `identity` as the actor of what it writes (the audit log says who).
    func journal(as identity: Identity) -> Journal {
        journal.acting(as: identity.name)
    }

    /// The run identity of an API caller: its name, this daemon as controller, the API as trigger.
    func runIdentity(_ identity: Identity) async -> RunIdentity {
        let proof = switch identity.proof {
        case let .token(name): name == identity.name ? "token" : "token \(name)"
        case let .proxyHeader(proxy): "via proxy \(proxy)"
        case .operatingSystemUser: "operating-system user"
        }
        return RunIdentity(user: identity.name, controller: await dispatcher.settings.controller, trigger: .api, proof: proof)
    }
}
