import Yams

/// Readers for the parts of an inventory: `defaults`, `hosts`, `groups` and
/// the settings a host or `defaults` holds. Each checks keys and types,
/// reports what is wrong, and returns what it could read so that checking
/// goes on.
extension InventoryLoader {
    mutating func readDefaults(_ node: Node) -> HostSettings {
        if YAMLNodeInspection.isNull(node) { return HostSettings() }
        guard case .mapping = node else {
            report("'defaults' must be a mapping, got \(YAMLNodeInspection.describe(node))", at: node)
            return HostSettings()
        }
        return readSettings(node, context: "in defaults", isHost: false)
    }

    mutating func readHosts(_ node: Node?, root: Node) -> [HostDefinition] {
        guard let node else {
            report("missing 'hosts'; an inventory needs at least one host", at: root)
            return []
        }
        if YAMLNodeInspection.isNull(node) {
            report("'hosts' is empty; an inventory needs at least one host", at: node)
            return []
        }
        guard case let .mapping(mapping) = node else {
            report("'hosts' must be a mapping of host names to their settings, got \(YAMLNodeInspection.describe(node))", at: node)
            return []
        }
        if mapping.isEmpty {
            report("'hosts' is empty; an inventory needs at least one host", at: node)
            return []
        }
        var hosts: [HostDefinition] = []
        for entry in entries(of: node, context: "in hosts") {
            if let problem = InventoryLoader.nameProblem(entry.name, kind: "host") {
                report(problem, at: entry.key)
            }
            let context = "in host '\(entry.name)'"
            let settings: HostSettings
            if YAMLNodeInspection.isNull(entry.value) {
                settings = HostSettings()
            } else if case .mapping = entry.value {
                settings = readSettings(entry.value, context: context, isHost: true)
            } else {
                report(
                    "host '\(entry.name)' must be a mapping of settings, got \(YAMLNodeInspection.describe(entry.value))",
                    at: entry.value, hint: "write the address as 'address: ...' under the host")
                settings = HostSettings()
            }
            hosts.append(HostDefinition(name: entry.name, location: location(of: entry.key), settings: settings))
        }
        return hosts
    }

    mutating func readGroups(_ node: Node) -> [GroupDefinition] {
        if YAMLNodeInspection.isNull(node) { return [] }
        guard case .mapping = node else {
            report("'groups' must be a mapping of group names to their settings, got \(YAMLNodeInspection.describe(node))", at: node)
            return []
        }
        var groups: [GroupDefinition] = []
        for entry in entries(of: node, context: "in groups") {
            if let problem = InventoryLoader.nameProblem(entry.name, kind: "group") {
                report(problem, at: entry.key)
            }
            var group = GroupDefinition(name: entry.name, location: location(of: entry.key))
            let context = "in group '\(entry.name)'"
            if YAMLNodeInspection.isNull(entry.value) {
                groups.append(group)
                continue
            }
            guard case .mapping = entry.value else {
                report(
                    "group '\(entry.name)' must be a mapping with 'hosts', 'children' or 'vars', got \(YAMLNodeInspection.describe(entry.value))",
                    at: entry.value)
                groups.append(group)
                continue
            }
            for field in entries(of: entry.value, context: context) {
                switch field.name {
                case "hosts": group.hosts = names(field.value, key: "hosts", kind: "host", context: context)
                case "children": group.children = names(field.value, key: "children", kind: "group", context: context)
                case "vars": group.vars = vars(field.value)
                case "host_state_dir": group.hostStateDir = hostStateDir(field.value)
                case "become": group.become = become(field.value)
                case "jump": group.jump = jump(field.value, context: context)
                default:
                    report(
                        "unknown key '\(field.name)' \(context)", at: field.key,
                        hint: NameSuggestion.hint(for: field.name, among: InventoryLoader.groupKeys)
                            ?? "a group has only 'hosts', 'children', 'vars', 'host_state_dir', 'become' and 'jump'")
                }
            }
            groups.append(group)
        }
        return groups
    }

    /// The settings of `defaults` or of one host; `isHost` allows the keys
    /// that only make sense for a single machine.
    mutating func readSettings(_ node: Node, context: String, isHost: Bool) -> HostSettings {
        var settings = HostSettings()
        for field in entries(of: node, context: context) {
            let value = field.value
            switch field.name {
            case "user": settings.user = word(value, key: "user")
            case "port": settings.port = port(value)
            case "identity_file": settings.identityFile = path(value, key: "identity_file")
            case "passphrase_env": settings.passphraseEnv = environmentName(value)
            case "agent": settings.agent = bool(value, key: "agent")
            case "agent_socket": settings.agentSocket = path(value, key: "agent_socket")
            case "known_hosts": settings.knownHosts = path(value, key: "known_hosts")
            case "connect_timeout": settings.connectTimeout = timeout(value)
            case "vars": settings.vars = vars(value)
            case "host_state_dir": settings.hostStateDir = hostStateDir(value)
            case "certificate": settings.certificate = path(value, key: "certificate")
            case "become": settings.become = become(value)
            case "jump": settings.jump = jump(value, context: context)
            case "ssh_config" where !isHost:
                settings.sshConfig = path(value, key: "ssh_config")
                settings.sshConfigLocation = location(of: value)
            case "ssh_config":
                report("ssh_config can only be set in defaults", at: field.key, hint: "one OpenSSH config serves the whole inventory")
            case "address" where isHost: settings.address = word(value, key: "address")
            case "host_key" where isHost: settings.hostKey = fingerprint(value)
            case "groups" where isHost: settings.groups = names(value, key: "groups", kind: "group", context: context)
            default:
                if !isHost, InventoryLoader.hostOnlyKeys.contains(field.name) {
                    report(
                        "'\(field.name)' cannot be set in defaults", at: field.key,
                        hint: "it describes a single machine; set it on each host")
                    continue
                }
                let known = InventoryLoader.connectionKeys + (isHost ? InventoryLoader.hostOnlyKeys : [])
                report(
                    "unknown key '\(field.name)' \(context)", at: field.key,
                    hint: NameSuggestion.hint(for: field.name, among: known))
            }
        }
        return settings
    }
}
