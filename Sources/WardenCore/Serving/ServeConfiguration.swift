import Foundation

/// What `warden serve` is told by its config file: where it listens, where
/// its journal lives, which inventories and runbooks it offers, who may talk
/// to it, and how long running runs get when it is stopped. Loaded with the
/// machinery runbooks use (`load(path:)`): every problem is reported at once
/// with file:line:column and, for a misspelt key, a did-you-mean.
///
/// Relative paths are read from the config file's folder, so a config and
/// the files beside it can move together.
public struct ServeConfiguration: Sendable {
    /// The file it was loaded from.
    public var file: String
    public var listen: ListenAddress
    /// Serve HTTPS with these PEM files; nil: plain HTTP (loopback, or behind a proxy that terminates TLS).
    public var tls: TLSFiles?
    /// The state folder: the journal (unless `journal` names a database), artifacts, keys and
    /// the default token file.
    public var state: String
    /// The journal in a PostgreSQL database that several controllers share
    /// (`postgres://USER@HOST:PORT/DATABASE`, never with a password); nil: the state folder's.
    public var journal: String?
    /// The file holding the journal database's password (else `WARDEN_STATE_PASSWORD_FILE` or
    /// `WARDEN_STATE_PASSWORD`).
    public var journalPasswordFile: String?
    /// How long this controller's hold on each of its runs lasts unless renewed (`runs.lease`).
    public var runLease: Duration = JournalRun.defaultLease
    /// How long after a run's lease lapsed another controller adopts it (`runs.adopt_after`).
    public var adoptAfter: Duration = .seconds(15)
    /// How long a run requested through the API with `"queue": true` may wait for a controller
    /// with room before it expires unstarted (`runs.queue_timeout`).
    public var queueTimeout: Duration = .seconds(600)
    /// Inventories the API may name, by name.
    public var inventories: [String: String]
    /// Folders whose `*.yaml` / `*.yml` files are the runbooks the API offers (the catalog).
    public var runbookFolders: [String]
    /// The token file (`warden token add`); default `tokens.json` in the state folder.
    public var tokens: String
    /// Identities asserted by a reverse proxy in front of the daemon; nil: none are trusted.
    public var proxy: ProxyTrust?
    /// How long running runs may go on after SIGTERM before they are cancelled (and their cleanup runs).
    public var gracePeriod: Duration
    /// Hosts a run works on at once.
    public var concurrency: Int
    /// At most this many runs at once; more are refused with 429 (a storm of requests is not a storm of changes).
    public var maximumActiveRuns: Int
    /// Whether `/metrics` needs a token with the `viewer` role (it is open by default, like most exporters).
    public var metricsNeedToken: Bool
    /// The SSH key the daemon signs its runs' checkpoints of the audit log with (as `--signing-key`);
    /// required when the site policy requires checkpoints.
    public var signingKey: String?
    /// Request bodies above this are refused with 413.
    public var maximumBodyBytes: Int
    /// How many failed authentications a source address may make in a minute before it is refused for one.
    public var failedAuthenticationLimit: Int
    /// `alert_rules:`: which Alertmanager alerts start which runbooks (`AlertRule`).
    public var alertRules: [AlertRule] = []
    /// Where each rule is written, by id, for problems found against the catalog.
    public var alertRuleLocations: [String: SourceLocation] = [:]
    /// `alerts:`: limits over all rules together.
    public var alertLimits = AlertLimits()
    /// `notify:`: webhooks told of decisions that need a person.
    public var notify: [NotifyTarget] = []
    /// `schedules:`: maintenance windows that open by themselves.
    public var schedules: [Schedule] = []
    /// `blackouts:`: days no schedule's occurrence starts, in each schedule's own zone.
    public var blackouts: [ScheduleBlackout] = []
    /// `monitors:`: rules files' monitor rules, sampled on an interval; firing rules come in as alerts.
    public var monitors: [MonitorConfiguration] = []

    public init(file: String, listen: ListenAddress = .default, tls: TLSFiles? = nil, state: String, inventories: [String: String] = [:],
                runbookFolders: [String] = [], tokens: String? = nil, proxy: ProxyTrust? = nil, gracePeriod: Duration = .seconds(300),
                concurrency: Int = 64, maximumActiveRuns: Int = 32, metricsNeedToken: Bool = false, maximumBodyBytes: Int = 1 << 20,
                failedAuthenticationLimit: Int = 10) {
        self.file = file
        self.listen = listen
        self.tls = tls
        self.state = state
        self.inventories = inventories
        self.runbookFolders = runbookFolders
        self.tokens = tokens ?? (state as NSString).appendingPathComponent("tokens.json")
        self.proxy = proxy
        self.gracePeriod = gracePeriod
        self.concurrency = concurrency
        self.maximumActiveRuns = maximumActiveRuns
        self.metricsNeedToken = metricsNeedToken
        self.maximumBodyBytes = maximumBodyBytes
        self.failedAuthenticationLimit = failedAuthenticationLimit
    }

    /// Where the daemon listens: loopback by default, so a daemon started to try it out is not on the network.
    public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public static let `default` = ListenAddress(host: "127.0.0.1", port: 8470)

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// The certificate chain and private key for HTTPS, both PEM.
    public struct TLSFiles: Sendable, Hashable {
        public var certificate: String
        public var key: String
    }

    /// A reverse proxy (oauth2-proxy and the like) that authenticates people and names them in a
    /// header. The header is believed only on connections from `addresses`: from anywhere else it
    /// is ignored and logged, since anyone can send it.
    public struct ProxyTrust: Sendable, Hashable {
        /// Addresses or CIDR blocks of the proxies.
        public var addresses: [String]
        /// The header carrying the user's name.
        public var header: String
        /// The roles of the users the proxy names, by name; `*` for anyone else it names (absent: refused).
        public var users: [String: [String]]
    }
}
