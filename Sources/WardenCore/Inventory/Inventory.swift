import Foundation

/// The hosts Warden may act on and the groups that organize them, loaded
/// from an inventory YAML file with every setting resolved.
///
/// Load with `Inventory.load(path:)`; pick hosts with `select(_:)`, which
/// takes Ansible-style patterns such as `pegasus:!meta-2`.
public struct Inventory: Sendable, Hashable {
    /// In the order the file defines them.
    public let hosts: [InventoryHost]
    /// By name; includes groups that only hosts mention.
    public let groups: [String: InventoryGroup]
    /// What loaded but deserves a look: options of the operator's OpenSSH
    /// config (`ssh_config`) that Warden ignores, such as one that would
    /// weaken host-key checking.
    public internal(set) var warnings: [String] = []

    public init(hosts: [InventoryHost], groups: [String: InventoryGroup]) {
        self.hosts = hosts
        self.groups = groups
    }

    /// Reads and checks the inventory at `path`. Relative paths inside it
    /// resolve against its folder; `environment` supplies USER, HOME and
    /// SSH_AUTH_SOCK. Throws every problem found, with its place in the file.
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(InventoryErrors) -> Inventory {
        let text = try readText(path)
        let baseDirectory = InventoryPaths.directory(
            of: path, workingDirectory: FileManager.default.currentDirectoryPath)
        return try parse(yaml: text, file: path, baseDirectory: baseDirectory, environment: environment)
    }

    /// Checks inventory YAML given as text. `file` is only used in error
    /// locations; relative paths resolve against `baseDirectory`.
    public static func parse(
        yaml: String,
        file: String,
        baseDirectory: String,
        environment: [String: String]
    ) throws(InventoryErrors) -> Inventory {
        try InventoryLoader.load(
            yaml: yaml, file: file, baseDirectory: baseDirectory, environment: environment
        ).get()
    }

    /// The hosts a pattern selects, in file order. Never empty: a pattern
    /// that names nothing, or narrows down to nothing, throws instead.
    public func select(_ pattern: String) throws(SelectionError) -> [InventoryHost] {
        try HostPattern(pattern).select(from: self)
    }

    public func host(named name: String) -> InventoryHost? {
        hosts.first { $0.name == name }
    }

    private static func readText(_ path: String) throws(InventoryErrors) -> String {
        do {
            return try SourceText.read(path, kind: "inventory file")
        } catch {
            throw InventoryErrors([error])
        }
    }
}
