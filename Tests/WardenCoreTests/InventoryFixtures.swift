@testable import WardenCore

/// Shared ways to load inventory text in tests, with a fixed environment so
/// results do not depend on who runs them.
enum InventoryFixtures {
    static let environment = ["USER": "tester", "HOME": "/home/tester"]
    static let baseDirectory = "/etc/warden"

    static func load(_ yaml: String, environment: [String: String] = environment) throws -> Inventory {
        try Inventory.parse(yaml: yaml, file: "inv.yaml", baseDirectory: baseDirectory, environment: environment)
    }

    /// Each error's description, in the order reported; empty if it loads.
    static func errors(_ yaml: String, environment: [String: String] = environment) -> [String] {
        do {
            _ = try Inventory.parse(yaml: yaml, file: "inv.yaml", baseDirectory: baseDirectory, environment: environment)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    static func host(_ name: String, in inventory: Inventory) throws -> InventoryHost {
        guard let host = inventory.host(named: name) else {
            throw FixtureError(message: "no host \(name)")
        }
        return host
    }
}

struct FixtureError: Error {
    let message: String
}
