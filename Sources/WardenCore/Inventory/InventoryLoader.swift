import Yams

/// Reads inventory YAML into an `Inventory`, collecting every problem in the
/// file instead of stopping at the first, so one run shows all there is to fix.
///
/// Reading happens in two passes: `InventoryLoader+Sections` and
/// `+Fields` check the shape of each part (keys, types, names);
/// `+Resolution` then checks references between parts and combines
/// defaults, groups and hosts.
struct InventoryLoader {
    /// Past this many errors the rest are only counted: a file of nonsense
    /// would otherwise produce one line per token.
    static let errorLimit = 100

    /// Keys a host and `defaults` share.
    static let connectionKeys = [
        "user", "port", "identity_file", "passphrase_env", "agent", "agent_socket",
        "known_hosts", "connect_timeout", "vars", "host_state_dir", "certificate", "become", "jump",
    ]
    /// Keys only a host may have: they describe one machine, not all of them.
    static let hostOnlyKeys = ["address", "host_key", "groups"]
    static let groupKeys = ["hosts", "children", "vars", "host_state_dir", "become", "jump"]
    static let topLevelKeys = ["defaults", "hosts", "groups"]

    let file: String
    let paths: InventoryPaths
    let environment: [String: String]
    private(set) var errors: [LocatedError] = []
    /// The operator's OpenSSH client config, when `defaults` names one (`ssh_config`).
    var sshConfig: OpenSSHConfig?
    /// What the inventory loaded with but the operator should know: options of the
    /// OpenSSH config that Warden ignores. In order, each once.
    var warnings: [String] = []
    private var uncountedErrors = 0
    /// Shared by all vars in the file, see `Value.maximumNodeCount`.
    var valueBudget = Value.maximumNodeCount

    init(file: String, baseDirectory: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
        self.paths = InventoryPaths(
            baseDirectory: baseDirectory,
            home: LocalAccount.homeDirectory(environment: environment))
    }

    /// The inventory, or the errors that prevent it.
    static func load(
        yaml: String, file: String, baseDirectory: String, environment: [String: String]
    ) -> Result<Inventory, InventoryErrors> {
        var loader = InventoryLoader(file: file, baseDirectory: baseDirectory, environment: environment)
        let inventory = loader.read(yaml)
        if var inventory, loader.errors.isEmpty {
            inventory.warnings = loader.warnings
            return .success(inventory)
        }
        return .failure(loader.finishedErrors())
    }

    // MARK: - Errors

    mutating func report(_ error: LocatedError) {
        guard errors.count < InventoryLoader.errorLimit else {
            uncountedErrors += 1
            return
        }
        errors.append(error)
    }

    /// The message and hint are only worked out while errors are still
    /// being kept; a hint searches every name, which adds up in a huge file.
    mutating func report(_ message: @autoclosure () -> String, at node: Node, hint: @autoclosure () -> String? = nil) {
        report(message(), at: location(of: node), hint: hint())
    }

    mutating func report(
        _ message: @autoclosure () -> String, at location: SourceLocation, hint: @autoclosure () -> String? = nil
    ) {
        guard errors.count < InventoryLoader.errorLimit else {
            uncountedErrors += 1
            return
        }
        errors.append(LocatedError(message(), at: location, hint: hint()))
    }

    func location(of node: Node) -> SourceLocation {
        YAMLDocument.location(of: node, file: file)
    }

    private func finishedErrors() -> InventoryErrors {
        // Stable sort: errors at the same spot keep the order they were found in.
        var sorted = errors.enumerated().sorted { lhs, rhs in
            switch (lhs.element.location, rhs.element.location) {
            case let (left?, right?) where left != right: return left < right
            case (nil, _?): return false
            case (_?, nil): return true
            default: return lhs.offset < rhs.offset
            }
        }.map(\.element)
        if uncountedErrors > 0 {
            sorted.append(LocatedError("too many errors; \(uncountedErrors) more not shown"))
        }
        if sorted.isEmpty {
            // Unreachable by construction (no inventory implies an error),
            // but an empty error list must never pass for success.
            sorted.append(LocatedError("the inventory could not be read", at: SourceLocation(file: file, line: 1, column: 1)))
        }
        return InventoryErrors(sorted)
    }

    // MARK: - Top level

    private mutating func read(_ yaml: String) -> Inventory? {
        let root: Node?
        do {
            root = try YAMLDocument.compose(yaml, file: file)
        } catch {
            report(error)
            return nil
        }
        guard let root, !YAMLNodeInspection.isNull(root) else {
            report(LocatedError(
                "the inventory is empty; it needs a 'hosts' mapping with at least one host",
                at: SourceLocation(file: file, line: 1, column: 1)))
            return nil
        }
        guard case .mapping = root else {
            report("an inventory must be a mapping with 'hosts' (and optionally 'defaults' and 'groups'), got \(YAMLNodeInspection.describe(root))", at: root)
            return nil
        }

        var defaultsNode: Node?
        var hostsNode: Node?
        var groupsNode: Node?
        for entry in entries(of: root, context: "at the top level") {
            switch entry.name {
            case "defaults": defaultsNode = entry.value
            case "hosts": hostsNode = entry.value
            case "groups": groupsNode = entry.value
            default:
                report(
                    "unknown top-level key '\(entry.name)'", at: entry.key,
                    hint: NameSuggestion.hint(for: entry.name, among: InventoryLoader.topLevelKeys)
                        ?? "an inventory has only 'defaults', 'hosts' and 'groups'")
            }
        }

        let defaults = defaultsNode.map { readDefaults($0) } ?? HostSettings()
        if let path = defaults.sshConfig {
            do {
                sshConfig = try OpenSSHConfig.load(path: path, home: paths.home ?? "/")
            } catch {
                report(LocatedError("ssh_config: \(error.description)", at: defaults.sshConfigLocation,
                                    hint: "fix the file, or remove ssh_config from defaults"))
            }
        }
        let hosts = readHosts(hostsNode, root: root)
        let groups = groupsNode.map { readGroups($0) } ?? []
        return resolve(defaults: defaults, hosts: hosts, groups: groups)
    }

    /// The entries of a mapping node with their keys as text; see `YAMLMapping`.
    mutating func entries(of node: Node, context: String) -> [(name: String, key: Node, value: Node)] {
        let (entries, problems) = YAMLMapping.entries(
            of: node, context: context, file: file,
            mergeHint: "write the keys out, or share them through defaults and group vars")
        for problem in problems { report(problem) }
        return entries.map { ($0.name, $0.key, $0.value) }
    }

    /// Why `name` cannot name a host or group, or nil if it can. Names are
    /// restricted so that patterns (`,` `:` `!` `&` `*` `?` `[`) can never be
    /// ambiguous.
    static func nameProblem(_ name: String, kind: String) -> String? {
        if name == "all" {
            return "'all' cannot be a \(kind) name; it is reserved for every host"
        }
        let valid = !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "_" || scalar == "-")
        }
        guard valid else {
            return "invalid \(kind) name '\(name)'; names may only contain letters, digits, '.', '_' and '-'"
        }
        return nil
    }
}
