import ArgumentParser
import WardenCore

/// The options every command that reaches hosts shares.
struct InventoryOptions: ParsableArguments {
    @Option(name: [.short, .customLong("inventory")], help: "The inventory YAML file.")
    var inventory: String

    @Flag(help: "Record the key of a host missing from its known_hosts file instead of refusing it. A changed key is refused regardless.")
    var acceptNewHostKeys = false

    /// Loads the inventory and selects hosts; any problem is invalid input (exit 2).
    func selectHosts(_ pattern: String) throws -> [InventoryHost] {
        try Self.selectHosts(pattern, in: inventory)
    }

    /// The same for an inventory given some other way (an optional `-i`).
    static func selectHosts(_ pattern: String, in inventory: String) throws -> [InventoryHost] {
        let loaded: Inventory
        do {
            loaded = try Inventory.load(path: inventory)
        } catch {
            throw InvalidInput(description: error.description)
        }
        for warning in loaded.warnings { Terminal.writeError("warning: \(warning)\n") }
        do {
            return try loaded.select(pattern)
        } catch {
            throw InvalidInput(description: "\(inventory): \(error.description)")
        }
    }
}
