import Foundation

/// The second pass: references between hosts and groups are checked, then
/// defaults, groups and host settings are combined into final hosts.
extension InventoryLoader {
    mutating func resolve(defaults: HostSettings, hosts: [HostDefinition], groups: [GroupDefinition]) -> Inventory? {
        let hostNames = Set(hosts.map(\.name))

        // A group exists if the groups section defines it or a host names it;
        // the definition's place wins over the first mention.
        var groupLocations: [String: SourceLocation] = [:]
        for group in groups {
            groupLocations[group.name] = group.location
        }
        // Kept per host rather than per group so that combining stays
        // linear in the number of memberships, however many groups there are.
        var directGroups: [String: Set<String>] = [:]
        for host in hosts {
            for reference in host.settings.groups {
                if groupLocations[reference.name] == nil {
                    groupLocations[reference.name] = reference.location
                }
                directGroups[host.name, default: []].insert(reference.name)
            }
        }
        let groupNames = Set(groupLocations.keys)
        let sortedHostNames = hostNames.sorted()
        let sortedGroupNames = groupNames.sorted()

        var parents: [String: [String]] = [:]
        for group in groups {
            for reference in group.hosts {
                if hostNames.contains(reference.name) {
                    directGroups[reference.name, default: []].insert(group.name)
                } else {
                    report(
                        "group '\(group.name)' lists unknown host '\(reference.name)'", at: reference.location,
                        hint: NameSuggestion.hint(for: reference.name, among: sortedHostNames))
                }
            }
            for reference in group.children {
                if groupNames.contains(reference.name) {
                    parents[reference.name, default: []].append(group.name)
                } else {
                    report(
                        "group '\(group.name)' has unknown child group '\(reference.name)'", at: reference.location,
                        hint: NameSuggestion.hint(for: reference.name, among: sortedGroupNames))
                }
            }
        }

        for host in hosts {
            if let groupLocation = groupLocations[host.name] {
                report(LocatedError(
                    "host '\(host.name)' has the same name as a group (line \(groupLocation.line), column \(groupLocation.column)); host and group names must differ",
                    at: host.location))
            }
        }

        reportCycles(groups)
        guard errors.isEmpty, !hosts.isEmpty else { return nil }

        let depths = depthOfGroups(groupNames, parents: parents)
        let groupVars = Dictionary(groups.map { ($0.name, $0.vars) }, uniquingKeysWith: { first, _ in first })
        let groupStateDirs = Dictionary(groups.compactMap { group in group.hostStateDir.map { (group.name, $0) } },
                                        uniquingKeysWith: { first, _ in first })
        let groupBecome = Dictionary(groups.compactMap { group in group.become.map { (group.name, $0) } },
                                     uniquingKeysWith: { first, _ in first })
        let groupJump = Dictionary(groups.compactMap { group in group.jump.map { (group.name, $0) } },
                                   uniquingKeysWith: { first, _ in first })
        var resolvedHosts: [InventoryHost] = []
        var jumps: [String: JumpSource] = [:]
        for host in hosts {
            let config = sshConfigSettings(for: host.name)
            let memberOf = ancestors(of: directGroups[host.name] ?? [], parents: parents).sorted()
            let varsOrder = memberOf.sorted { (depths[$0] ?? 0, $0) < (depths[$1] ?? 0, $1) }
            var mergedVars = defaults.vars
            for group in varsOrder {
                mergedVars.merge(groupVars[group] ?? [:]) { _, new in new }
            }
            mergedVars.merge(host.settings.vars) { _, new in new }
            // Like vars: the host's own, else the deepest group's (then by name), else defaults.
            let stateDir = host.settings.hostStateDir ?? varsOrder.reversed().lazy.compactMap { groupStateDirs[$0] }.first
                ?? defaults.hostStateDir
            let become = host.settings.become ?? varsOrder.reversed().lazy.compactMap { groupBecome[$0] }.first ?? defaults.become
            if let own = host.settings.jump {
                jumps[host.name] = .inventory(own, own: true)
            } else if let inherited = varsOrder.reversed().lazy.compactMap({ groupJump[$0] }).first ?? defaults.jump {
                jumps[host.name] = .inventory(inherited, own: false)
            } else if let proxyJump = config?.proxyJump, !proxyJump.isEmpty {
                jumps[host.name] = .sshConfig(proxyJump)
            }
            if let resolved = combine(host, defaults: defaults, groups: memberOf, vars: mergedVars, stateDir: stateDir, become: become?.spec,
                                      config: config) {
                resolvedHosts.append(resolved)
            }
        }
        guard errors.isEmpty else { return nil }
        resolvedHosts = resolveJumps(resolvedHosts, jumps: jumps, defaults: defaults)
        guard errors.isEmpty else { return nil }

        var members: [String: [String]] = [:]
        for host in resolvedHosts {
            for group in host.groups {
                members[group, default: []].append(host.name)
            }
        }
        var inventoryGroups: [String: InventoryGroup] = [:]
        let definitions = Dictionary(groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in groupNames {
            inventoryGroups[name] = InventoryGroup(
                name: name,
                hosts: members[name] ?? [],
                children: definitions[name]?.children.map(\.name) ?? [],
                vars: groupVars[name] ?? [:],
                location: groupLocations[name] ?? SourceLocation(file: file, line: 1, column: 1))
        }
        return Inventory(hosts: resolvedHosts, groups: inventoryGroups)
    }

    /// One final host: each setting from the host, else from defaults, else
    /// the built-in default; see `InventoryHost.auth` for the auth rules.
    private mutating func combine(
        _ host: HostDefinition, defaults: HostSettings, groups: [String], vars: [String: Value], stateDir: String?, become: BecomeSpec?,
        config: SSHConfigHostSettings?
    ) -> InventoryHost? {
        let own = host.settings
        // The inventory's own values win; the OpenSSH config fills what it leaves unset; built-in fallbacks come last.
        guard let user = own.user ?? defaults.user ?? config?.user ?? LocalAccount.userName(environment: environment) else {
            report(LocatedError(
                "no user for host '\(host.name)': USER is not set and the current user is unknown",
                at: host.location, hint: "set 'user' in defaults or on the host"))
            return nil
        }

        let agent = own.agent ?? defaults.agent
        let agentSocket = own.agentSocket ?? defaults.agentSocket
        let passphraseEnv = own.passphraseEnv ?? defaults.passphraseEnv
        let auth: HostAuthentication
        if agent == true {
            auth = .agent(socket: agentSocket)
        } else if let identityFile = own.identityFile ?? defaults.identityFile ?? config.flatMap(Self.firstExisting(\.identityFiles)) {
            auth = .keyFile(path: identityFile, passphraseEnv: passphraseEnv)
        } else if agent == nil, let socket = environment["SSH_AUTH_SOCK"], !socket.isEmpty {
            // An explicit `agent: false` skips this step: "not through the
            // agent" must hold even when an agent happens to be running.
            auth = .agent(socket: agentSocket)
        } else if let keyFile = homePath(".ssh/id_ed25519", for: host) {
            auth = .keyFile(path: keyFile, passphraseEnv: passphraseEnv)
        } else {
            return nil
        }

        let hostKey: HostKeyCheck
        if let fingerprint = own.hostKey {
            hostKey = .pinned(fingerprint: fingerprint)
        } else if let knownHosts = own.knownHosts ?? defaults.knownHosts ?? homePath(".ssh/known_hosts", for: host) {
            hostKey = .knownHosts(path: knownHosts)
        } else {
            return nil
        }

        return InventoryHost(
            name: host.name,
            address: own.address ?? config?.hostName ?? host.name,
            port: own.port ?? defaults.port ?? config?.port ?? 22,
            user: user,
            auth: auth,
            hostKey: hostKey,
            connectTimeout: own.connectTimeout ?? defaults.connectTimeout ?? .seconds(10),
            groups: groups,
            vars: vars,
            stateFolder: stateDir,
            location: host.location,
            certificate: own.certificate ?? defaults.certificate ?? config.flatMap(Self.firstExisting(\.certificateFiles)),
            become: become)
    }

    /// Where a host's chain of jump hosts comes from.
    enum JumpSource {
        /// `jump:` of the host (`own`), or inherited from a group or defaults.
        case inventory([NameReference], own: Bool)
        /// `ProxyJump` of the operator's OpenSSH config, for a host the inventory gives no `jump:`.
        case sshConfig([SSHConfigJump])
    }

    /// Every host's `jump:` names turned into the hops' own settings. A chain
    /// a host inherits (from a group or defaults) that passes through the host
    /// itself is cut there: the bastion of a group is reached through the hops
    /// before it. A host naming itself in its own `jump:` is an error.
    private mutating func resolveJumps(_ hosts: [InventoryHost], jumps: [String: JumpSource], defaults: HostSettings) -> [InventoryHost] {
        guard !jumps.isEmpty else { return hosts }
        let byName = Dictionary(hosts.map { ($0.name, $0.withoutJump) }, uniquingKeysWith: { first, _ in first })
        let names = hosts.map(\.name).sorted()
        return hosts.map { host in
            guard let source = jumps[host.name] else { return host }
            var hops: [InventoryHost] = []
            switch source {
            case let .inventory(chain, own):
                for reference in chain {
                    if reference.name == host.name {
                        if own {
                            report(LocatedError("host '\(host.name)' cannot jump through itself", at: reference.location,
                                                hint: "remove it from its own jump list"))
                        }
                        break
                    }
                    guard let hop = byName[reference.name] else {
                        report(LocatedError("jump names unknown host '\(reference.name)'", at: reference.location,
                                            hint: NameSuggestion.hint(for: reference.name, among: names) ?? "a jump host must be an inventory host, so its address, user, key and known_hosts are known"))
                        break
                    }
                    hops.append(hop)
                }
            case let .sshConfig(chain):
                for jump in chain {
                    if jump.user == nil, jump.port == nil, let hop = byName[jump.host] {
                        hops.append(hop)
                    } else {
                        hops.append(configJumpHost(jump, for: host, defaults: defaults))
                    }
                }
            }
            var reached = host
            reached.jump = JumpChain(hops)
            return reached
        }
    }

    /// A `ProxyJump` hop the inventory does not list, made as ssh would make
    /// it: the config's settings for its alias, else the inventory's defaults.
    /// Its key is checked against the inventory's known_hosts file (a pin
    /// belongs to one host, never to its bastion).
    private mutating func configJumpHost(_ jump: SSHConfigJump, for host: InventoryHost, defaults: HostSettings) -> InventoryHost {
        let config = sshConfigSettings(for: jump.host)
        let user = jump.user ?? defaults.user ?? config?.user ?? LocalAccount.userName(environment: environment) ?? host.user
        var auth = host.auth
        if let identity = config.flatMap(Self.firstExisting(\.identityFiles)), defaults.identityFile == nil {
            auth = .keyFile(path: identity, passphraseEnv: defaults.passphraseEnv)
        }
        let knownHosts: HostKeyCheck = switch host.hostKey {
        case .knownHosts: host.hostKey
        case .pinned: .knownHosts(path: defaults.knownHosts ?? paths.home.map { $0 + "/.ssh/known_hosts" } ?? "/dev/null")
        }
        return InventoryHost(name: jump.host, address: config?.hostName ?? jump.host, port: jump.port ?? config?.port ?? defaults.port ?? 22,
                             user: user, auth: auth, hostKey: knownHosts, connectTimeout: host.connectTimeout, location: host.location,
                             certificate: defaults.certificate ?? config.flatMap(Self.firstExisting(\.certificateFiles)))
    }

    /// The OpenSSH config's settings for `alias`, its warnings noted once each.
    private mutating func sshConfigSettings(for alias: String) -> SSHConfigHostSettings? {
        guard let sshConfig else { return nil }
        let settings = sshConfig.settings(for: alias, home: paths.home ?? "/", localUser: LocalAccount.userName(environment: environment) ?? "")
        for warning in settings.warnings {
            let text = "\(warning.file):\(warning.line): \(warning.option): \(warning.message)"
            if !warnings.contains(text) { warnings.append(text) }
        }
        return settings
    }

    /// The first of the files that exists, as ssh tries IdentityFile and CertificateFile in order.
    private static func firstExisting(_ files: KeyPath<SSHConfigHostSettings, [String]>) -> (SSHConfigHostSettings) -> String? {
        { settings in settings[keyPath: files].first { FileManager.default.fileExists(atPath: $0) } }
    }

    private mutating func homePath(_ relative: String, for host: HostDefinition) -> String? {
        do {
            return try paths.resolve("~/" + relative)
        } catch {
            report(LocatedError(
                "host '\(host.name)' needs '~/\(relative)', but \(error.message)", at: host.location,
                hint: "set HOME, or set the path in defaults"))
            return nil
        }
    }
}
