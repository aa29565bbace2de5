import Foundation
import Yams

extension ServeConfiguration {
    /// The top-level sections, in the order the documentation lists them.
    static let sections = ["listen", "tls", "state", "inventories", "runbooks", "tokens", "signing_key", "proxy", "runs", "metrics", "http",
                           "alert_rules", "alerts", "notify", "schedules",
                           "blackouts", "monitors"]
    /// Sections a later Warden fills: known, so a config written for it is refused here by name
    /// instead of being half understood.
    static let reserved: [String: String] = [:]
    static let roleNames = Role.allCases.map(\.rawValue)

    /// Loads and checks the config at `path`, the inventories it names and the runbooks in
    /// its folders (`RunbookCatalog`): every problem at once, each with where it is.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ServeConfigurationError) -> (configuration: ServeConfiguration, catalog: RunbookCatalog) {
        let text: String
        do {
            text = try SourceText.read(path, kind: "serve config")
        } catch {
            throw ServeConfigurationError(.unreadable, [error])
        }
        var configuration = try parse(text, file: path, environment: environment)
        var problems: [LocatedError] = []
        for (name, inventory) in configuration.inventories.sorted(by: { $0.key < $1.key }) {
            do {
                let loaded = try Inventory.load(path: inventory)
                problems += resolvePercentEscalations(in: &configuration, inventory: name, loaded)
            } catch {
                // The inventory's own problems keep their file:line:column; only this config's "error:" prefix is added.
                let described = "\(error)".replacingOccurrences(of: "error: ", with: "")
                problems.append(LocatedError("inventory '\(name)' does not load: \(described)"))
            }
        }
        let catalog = RunbookCatalog.load(folders: configuration.runbookFolders)
        problems += catalog.problems
        if catalog.problems.isEmpty {
            problems += AlertRuleCheck.problems(configuration.alertRules, locations: configuration.alertRuleLocations, catalog: catalog,
                                                inventories: Set(configuration.inventories.keys))
            problems += ScheduleCheck.problems(configuration.schedules, catalog: catalog, inventories: Set(configuration.inventories.keys))
        }
        problems += monitorProblems(configuration)
        guard problems.isEmpty else { throw ServeConfigurationError(.invalid, problems) }
        configuration.schedules = ScheduleCheck.resolvingCatchup(configuration.schedules, catalog: catalog)
        return (configuration, catalog)
    }

    /// Each monitor's rules file loads with its parameters on its inventory, as `warden monitor check` would.
    private static func monitorProblems(_ configuration: ServeConfiguration) -> [LocatedError] {
        var problems: [LocatedError] = []
        for monitor in configuration.monitors {
            guard let inventory = configuration.inventories[monitor.inventory] else {
                problems.append(LocatedError("monitor '\(monitor.id)': unknown inventory '\(monitor.inventory)'", at: monitor.location,
                                             hint: NameSuggestion.hint(for: monitor.inventory, among: configuration.inventories.keys)))
                continue
            }
            do {
                _ = try monitor.inputs(inventory: inventory).loadMonitor()
            } catch {
                problems.append(LocatedError("monitor '\(monitor.id)': \(error.description)", at: monitor.location))
            }
        }
        return problems
    }

    /// `escalate.at_least_percent` of a group, as a count of the group's hosts in `inventory` now.
    private static func resolvePercentEscalations(in configuration: inout ServeConfiguration, inventory name: String, _ inventory: Inventory)
        -> [LocatedError] {
        var problems: [LocatedError] = []
        for index in configuration.alertRules.indices where configuration.alertRules[index].inventory == name {
            guard let escalation = configuration.alertRules[index].escalation, let percent = escalation.percent else { continue }
            guard let group = inventory.groups[percent.group] else {
                problems.append(LocatedError("alert rule '\(configuration.alertRules[index].id)': escalate.of: inventory '\(name)' has no group '\(percent.group)'",
                                             at: configuration.alertRuleLocations[configuration.alertRules[index].id],
                                             hint: NameSuggestion.hint(for: percent.group, among: inventory.groups.keys)))
                continue
            }
            configuration.alertRules[index].escalation = escalation.resolvingPercent(groupSize: group.hosts.count)
        }
        return problems
    }

    /// Reads a config document; paths are resolved against the file's folder.
    static func parse(_ text: String, file: String, environment: [String: String] = [:]) throws(ServeConfigurationError) -> ServeConfiguration {
        let root: Node?
        do {
            root = try YAMLDocument.compose(text, file: file)
        } catch {
            throw ServeConfigurationError(.invalid, [error])
        }
        // Absolute, so paths journaled with runs (the inventory) still mean the same file after a `cd`.
        let folder = URL(fileURLWithPath: file).standardizedFileURL.deletingLastPathComponent().path
        var reader = Reader(file: file, folder: folder.isEmpty ? "." : folder)
        guard let root, case .mapping = root else {
            throw ServeConfigurationError(.invalid, [LocatedError("a serve config is a mapping of sections (\(sections.joined(separator: ", ")))",
                                                                  at: SourceLocation(file: file, line: 1, column: 1))])
        }
        var configuration = ServeConfiguration(file: file, state: Journal.defaultDirectory(environment: environment))
        var tokens: String?
        for entry in reader.entries(of: root, context: "in the serve config") {
            let value = entry.value
            switch entry.name {
            case "listen": configuration.listen = reader.listen(value) ?? configuration.listen
            case "tls": configuration.tls = reader.tls(value)
            case "state": reader.state(value, into: &configuration)
            case "inventories":
                for item in reader.entries(of: value, context: "in inventories", mustBeMapping: "inventories") {
                    if let path = reader.path(item.value, named: "inventory '\(item.name)'") { configuration.inventories[item.name] = path }
                }
            case "runbooks": configuration.runbookFolders = reader.paths(value, named: "runbooks")
            case "tokens": tokens = reader.path(value, named: "tokens")
            case "signing_key":
                configuration.signingKey = reader.path(value, named: "signing_key")
                if let key = configuration.signingKey, !FileManager.default.isReadableFile(atPath: key) {
                    reader.problems.append(LocatedError("signing_key: \(key) cannot be read; name the daemon's SSH private key (or the .pub of a key in its ssh-agent)",
                                                        at: reader.at(value)))
                }
            case "proxy": configuration.proxy = reader.proxy(value)
            case "runs":
                for item in reader.entries(of: value, context: "in runs", mustBeMapping: "runs") {
                    switch item.name {
                    case "grace_period": configuration.gracePeriod = reader.duration(item.value, named: "runs.grace_period") ?? configuration.gracePeriod
                    case "concurrency": configuration.concurrency = reader.integer(item.value, named: "runs.concurrency", in: 1...4096) ?? configuration.concurrency
                    case "max_active": configuration.maximumActiveRuns = reader.integer(item.value, named: "runs.max_active", in: 1...10_000) ?? configuration.maximumActiveRuns
                    case "lease":
                        if let lease = reader.duration(item.value, named: "runs.lease") {
                            if lease < .seconds(3) {
                                reader.problems.append(LocatedError("runs.lease must be at least 3s (it is renewed every third of it)", at: reader.at(item.value)))
                            } else {
                                configuration.runLease = lease
                            }
                        }
                    case "adopt_after": configuration.adoptAfter = reader.duration(item.value, named: "runs.adopt_after") ?? configuration.adoptAfter
                    case "queue_timeout":
                        if let timeout = reader.duration(item.value, named: "runs.queue_timeout") {
                            if timeout < .seconds(10) {
                                reader.problems.append(LocatedError("runs.queue_timeout must be at least 10s (a queued run needs a moment to be claimed)",
                                                                    at: reader.at(item.value)))
                            } else {
                                configuration.queueTimeout = timeout
                            }
                        }
                    default: reader.unknown(item, in: "runs", among: ["grace_period", "concurrency", "max_active", "lease", "adopt_after", "queue_timeout"])
                    }
                }
            case "metrics":
                for item in reader.entries(of: value, context: "in metrics", mustBeMapping: "metrics") {
                    if item.name == "require_token" {
                        configuration.metricsNeedToken = reader.flag(item.value, named: "metrics.require_token") ?? false
                    } else {
                        reader.unknown(item, in: "metrics", among: ["require_token"])
                    }
                }
            case "http":
                for item in reader.entries(of: value, context: "in http", mustBeMapping: "http") {
                    switch item.name {
                    case "max_body_bytes":
                        configuration.maximumBodyBytes = reader.integer(item.value, named: "http.max_body_bytes", in: 1024...(64 << 20)) ?? configuration.maximumBodyBytes
                    case "failed_auth_per_minute":
                        configuration.failedAuthenticationLimit = reader.integer(item.value, named: "http.failed_auth_per_minute", in: 1...10_000)
                            ?? configuration.failedAuthenticationLimit
                    default: reader.unknown(item, in: "http", among: ["max_body_bytes", "failed_auth_per_minute"])
                    }
                }
            case "alert_rules":
                let (rules, found, locations) = AlertRule.parse(value, file: file)
                configuration.alertRules = rules
                configuration.alertRuleLocations = locations
                reader.problems += found
            case "alerts":
                for item in reader.entries(of: value, context: "in alerts", mustBeMapping: "alerts") {
                    switch item.name {
                    case "max_runs":
                        var count: Int?
                        var within: Duration?
                        for field in reader.entries(of: item.value, context: "in alerts.max_runs", mustBeMapping: "alerts.max_runs") {
                            switch field.name {
                            case "count": count = reader.integer(field.value, named: "alerts.max_runs.count", in: 1...100_000)
                            case "within": within = reader.duration(field.value, named: "alerts.max_runs.within")
                            default: reader.unknown(field, in: "alerts.max_runs", among: ["count", "within"])
                            }
                        }
                        if let count, let within { configuration.alertLimits.maxRuns = AlertRunLimit(count: count, within: within) } else {
                            reader.problems.append(LocatedError("alerts.max_runs needs 'count' and 'within'", at: reader.at(item.value)))
                        }
                    case "max_targets_in_remediation":
                        configuration.alertLimits.maxTargetsInRemediation = reader.integer(item.value, named: "alerts.max_targets_in_remediation",
                                                                                           in: 1...100_000)
                    case "duplicate_window":
                        configuration.alertLimits.duplicateWindow = reader.duration(item.value, named: "alerts.duplicate_window")
                            ?? configuration.alertLimits.duplicateWindow
                    default: reader.unknown(item, in: "alerts", among: ["max_runs", "max_targets_in_remediation", "duplicate_window"])
                    }
                }
            case "notify": configuration.notify = reader.notifyTargets(value)
            case "schedules":
                let (schedules, found) = Schedule.parse(value, file: file)
                configuration.schedules = schedules
                reader.problems += found
            case "blackouts":
                let (blackouts, found) = Schedule.parseBlackouts(value, file: file)
                configuration.blackouts = blackouts
                reader.problems += found
            case "monitors":
                let (monitors, found) = MonitorConfiguration.parse(value, file: file, folder: (file as NSString).deletingLastPathComponent)
                configuration.monitors = monitors
                reader.problems += found
            case let name where reserved[name] != nil:
                if !YAMLNodeInspection.isNull(value) {
                    reader.problems.append(LocatedError("'\(name)' (\(reserved[name] ?? name)) is not supported by this version of Warden",
                                                        at: reader.at(entry.key), hint: "upgrade Warden, or remove the section"))
                }
            default:
                reader.unknown(entry, in: "the serve config", among: sections)
            }
        }
        configuration.tokens = tokens ?? (configuration.state as NSString).appendingPathComponent("tokens.json")
        guard reader.problems.isEmpty else { throw ServeConfigurationError(.invalid, reader.problems) }
        return configuration
    }

    /// Reads values of a serve config, collecting every problem with where it is.
    private struct Reader {
        let file: String
        let folder: String
        var problems: [LocatedError] = []

        init(file: String, folder: String) {
            self.file = file
            self.folder = folder
        }

        func at(_ node: Node) -> SourceLocation { YAMLDocument.location(of: node, file: file) }

        mutating func entries(of node: Node, context: String, mustBeMapping name: String? = nil) -> [YAMLMapping.Entry] {
            if let name, YAMLNodeInspection.isNull(node) == false {
                guard case .mapping = node else {
                    problems.append(LocatedError("'\(name)' must be a mapping, got \(YAMLNodeInspection.describe(node))", at: at(node)))
                    return []
                }
            }
            let found = YAMLMapping.entries(of: node, context: context, file: file)
            problems += found.problems
            return found.entries
        }

        mutating func unknown(_ entry: YAMLMapping.Entry, in place: String, among names: [String]) {
            problems.append(LocatedError("unknown key '\(entry.name)' in \(place)", at: at(entry.key),
                                         hint: NameSuggestion.hint(for: entry.name, among: names)))
        }

        mutating func text(_ node: Node, named name: String) -> String? {
            if case let .scalar(scalar) = node, !scalar.string.isEmpty, !YAMLNodeInspection.isNull(node) { return scalar.string }
            problems.append(LocatedError("\(name) must be text, got \(YAMLNodeInspection.describe(node))", at: at(node)))
            return nil
        }

        /// A path, made absolute against the config's folder.
        /// `state:` a folder, a database URL, or `{journal: URL, password_file: FILE, folder: DIR}`.
        mutating func state(_ node: Node, into configuration: inout ServeConfiguration) {
            if case .mapping = node {
                for item in entries(of: node, context: "in state") {
                    switch item.name {
                    case "journal":
                        guard let url = text(item.value, named: "state.journal") else { continue }
                        if DatabaseURL.isDatabaseURL(url) {
                            configuration.journal = url
                        } else {
                            configuration.state = path(item.value, named: "state.journal") ?? configuration.state
                        }
                    case "password_file": configuration.journalPasswordFile = path(item.value, named: "state.password_file")
                    case "folder": configuration.state = path(item.value, named: "state.folder") ?? configuration.state
                    default: unknown(item, in: "state", among: ["journal", "password_file", "folder"])
                    }
                }
                if configuration.journalPasswordFile != nil, configuration.journal == nil {
                    problems.append(LocatedError("state.password_file is for a journal in a database: name it with state.journal: postgres://…",
                                                 at: at(node)))
                }
                return
            }
            if let text = text(node, named: "state"), DatabaseURL.isDatabaseURL(text) {
                configuration.journal = text
            } else {
                configuration.state = path(node, named: "state") ?? configuration.state
            }
        }

        mutating func path(_ node: Node, named name: String) -> String? {
            guard let text = text(node, named: name) else { return nil }
            if text.contains("\0") {
                problems.append(LocatedError("\(name) must be a path", at: at(node)))
                return nil
            }
            let expanded = (text as NSString).expandingTildeInPath
            return expanded.hasPrefix("/") ? (expanded as NSString).standardizingPath : ((folder as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
        }

        mutating func paths(_ node: Node, named name: String) -> [String] {
            guard case let .sequence(items) = node else {
                if let single = path(node, named: name) { return [single] }
                return []
            }
            return items.compactMap { path($0, named: "an entry of \(name)") }
        }

        mutating func flag(_ node: Node, named name: String) -> Bool? {
            if let flag = YAMLNodeInspection.bool(node) { return flag }
            problems.append(LocatedError("\(name) must be true or false, got \(YAMLNodeInspection.describe(node))", at: at(node)))
            return nil
        }

        mutating func integer(_ node: Node, named name: String, in range: ClosedRange<Int>) -> Int? {
            if let number = YAMLNodeInspection.integer(node, in: range) { return number }
            problems.append(LocatedError("\(name) must be an integer \(range.lowerBound)...\(range.upperBound), got \(YAMLNodeInspection.describe(node))",
                                         at: at(node)))
            return nil
        }

        mutating func duration(_ node: Node, named name: String) -> Duration? {
            guard let text = text(node, named: name) else { return nil }
            do {
                return try DurationText.parse(text)
            } catch {
                problems.append(LocatedError("\(name): \(error.message)", at: at(node), hint: error.hint))
                return nil
            }
        }

        /// `host:port`, `[v6]:port`, or a bare port (on loopback).
        mutating func listen(_ node: Node) -> ListenAddress? {
            guard let text = text(node, named: "listen") else { return nil }
            var host = ListenAddress.default.host
            var portText = text
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                host = String(text[text.index(after: text.startIndex)..<close])
                portText = String(text[text.index(after: close)...]).drop { $0 == ":" }.description
            } else if let colon = text.lastIndex(of: ":") {
                host = String(text[..<colon])
                portText = String(text[text.index(after: colon)...])
            }
            guard let port = Int(portText), (1...65535).contains(port), !host.isEmpty,
                  host.allSatisfy({ $0.isLetter || $0.isNumber || ".:-".contains($0) }) else {
                problems.append(LocatedError("listen must be host:port (e.g. 127.0.0.1:8470 or [::1]:8470), got '\(text)'", at: at(node)))
                return nil
            }
            return ListenAddress(host: host, port: port)
        }

        mutating func tls(_ node: Node) -> TLSFiles? {
            var certificate: String?
            var key: String?
            for item in entries(of: node, context: "in tls", mustBeMapping: "tls") {
                switch item.name {
                case "certificate": certificate = path(item.value, named: "tls.certificate")
                case "key": key = path(item.value, named: "tls.key")
                default: unknown(item, in: "tls", among: ["certificate", "key"])
                }
            }
            guard let certificate, let key else {
                problems.append(LocatedError("tls needs both 'certificate' and 'key' (PEM files)", at: at(node)))
                return nil
            }
            for (name, path) in [("tls.certificate", certificate), ("tls.key", key)] where !FileManager.default.isReadableFile(atPath: path) {
                problems.append(LocatedError("\(name): \(path) cannot be read", at: at(node)))
            }
            return TLSFiles(certificate: certificate, key: key)
        }

        /// `notify: [{url: https://..., token_file: FILE, events: [waiting-for-approval, ...]}]`
        mutating func notifyTargets(_ node: Node) -> [NotifyTarget] {
            if YAMLNodeInspection.isNull(node) { return [] }
            guard case let .sequence(items) = node else {
                problems.append(LocatedError("notify must be a list of webhooks ({url: ..., token_file: ...})", at: at(node)))
                return []
            }
            var targets: [NotifyTarget] = []
            for item in items {
                var url: String?
                var target = NotifyTarget(url: "")
                for field in entries(of: item, context: "in a notify entry", mustBeMapping: "a notify entry") {
                    switch field.name {
                    case "url":
                        url = text(field.value, named: "notify.url")
                        if let text = url, !(text.hasPrefix("http://") || text.hasPrefix("https://")) || URL(string: text)?.host == nil {
                            problems.append(LocatedError("notify.url must be an http:// or https:// URL, got '\(text)'", at: at(field.value)))
                        }
                    case "token_file": target.tokenFile = path(field.value, named: "notify.token_file")
                    case "events":
                        guard case let .sequence(names) = field.value else {
                            problems.append(LocatedError("notify.events must be a list", at: at(field.value)))
                            continue
                        }
                        for name in names.compactMap({ text($0, named: "an entry of notify.events") }) {
                            if NotifyTarget.eventKinds.contains(name) { target.events.insert(name) } else {
                                problems.append(LocatedError("notify.events: '\(name)' is not one of \(NotifyTarget.eventKinds.joined(separator: ", "))",
                                                             at: at(field.value), hint: NameSuggestion.hint(for: name, among: NotifyTarget.eventKinds)))
                            }
                        }
                    default: unknown(field, in: "a notify entry", among: ["url", "token_file", "events"])
                    }
                }
                if let url {
                    target.url = url
                    targets.append(target)
                } else if case .mapping = item {
                    problems.append(LocatedError("a notify entry needs 'url'", at: at(item)))
                }
            }
            return targets
        }

        mutating func proxy(_ node: Node) -> ProxyTrust? {
            var trust = ProxyTrust(addresses: [], header: "X-Forwarded-User", users: [:])
            for item in entries(of: node, context: "in proxy", mustBeMapping: "proxy") {
                switch item.name {
                case "addresses":
                    guard case let .sequence(items) = item.value, !items.isEmpty else {
                        problems.append(LocatedError("proxy.addresses must be a list of addresses or CIDR blocks", at: at(item.value)))
                        continue
                    }
                    trust.addresses = items.compactMap { text($0, named: "an entry of proxy.addresses") }
                    do {
                        _ = try TrustedProxies(trust.addresses)
                    } catch {
                        problems.append(LocatedError("proxy.addresses: \(error)", at: at(item.value)))
                    }
                case "header":
                    if let header = text(item.value, named: "proxy.header") {
                        if header.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                            trust.header = header
                        } else {
                            problems.append(LocatedError("proxy.header must be a header name such as X-Forwarded-User", at: at(item.value)))
                        }
                    }
                case "users":
                    for user in entries(of: item.value, context: "in proxy.users", mustBeMapping: "proxy.users") {
                        trust.users[user.name] = roles(user.value, of: user.name)
                    }
                default: unknown(item, in: "proxy", among: ["addresses", "header", "users"])
                }
            }
            if trust.addresses.isEmpty {
                problems.append(LocatedError("proxy needs 'addresses': the proxies whose header is believed", at: at(node)))
            }
            return trust
        }

        mutating func roles(_ node: Node, of user: String) -> [String] {
            let items: [Node]
            if case let .sequence(list) = node { items = Array(list) } else { items = [node] }
            var roles: [String] = []
            for item in items {
                guard let name = text(item, named: "a role of '\(user)'") else { continue }
                guard ServeConfiguration.roleNames.contains(name) else {
                    problems.append(LocatedError("unknown role '\(name)' for '\(user)' (roles: \(ServeConfiguration.roleNames.joined(separator: ", ")))",
                                                 at: at(item), hint: NameSuggestion.hint(for: name, among: ServeConfiguration.roleNames)))
                    continue
                }
                roles.append(name)
            }
            return roles
        }
    }
}
