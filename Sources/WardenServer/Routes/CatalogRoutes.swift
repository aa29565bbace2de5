import Foundation
import Hummingbird
import WardenCore

/// `GET /runbooks`, `GET /runbooks/{name}`, `GET /inventories`: what the daemon offers to run, and where.
enum CatalogRoutes {
    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.get("runbooks") { _, context -> Response in
            _ = try context.require(.read)
            let catalog = await services.state.catalog
            return JSONResponse.make(["runbooks": catalog.names.compactMap { catalog[$0].map(RunbookDescription.init) }])
        }
        api.get("runbooks/:name") { _, context -> Response in
            _ = try context.require(.read)
            let name = try context.pathParameter("name")
            let catalog = await services.state.catalog
            guard let runbook = catalog[name] else {
                let hint = NameSuggestion.hint(for: name, among: catalog.names).map { " (\($0))" } ?? ""
                throw APIError(.notFound, "no runbook '\(VisibleText.line(name))' in the catalog\(hint); GET /api/v1/runbooks lists them")
            }
            return JSONResponse.make(RunbookDescription(runbook))
        }
        api.get("inventories") { _, context -> Response in
            _ = try context.require(.read)
            let configuration = await services.state.configuration
            var listed: [InventorySummary] = []
            for (name, path) in configuration.inventories.sorted(by: { $0.key < $1.key }) {
                do {
                    let inventory = try Inventory.load(path: path)
                    listed.append(InventorySummary(name: name, hosts: inventory.hosts.count, groups: inventory.groups.keys.sorted().map {
                        InventorySummary.Group(name: $0, hosts: inventory.groups[$0]?.hosts.count ?? 0)
                    }, problem: nil))
                } catch {
                    listed.append(InventorySummary(name: name, hosts: 0, groups: [], problem: "\(error)"))
                }
            }
            return JSONResponse.make(["inventories": listed])
        }
    }

    /// An inventory as the API lists it: its name in the config, how many hosts, its groups.
    struct InventorySummary: Encodable {
        let name: String
        let hosts: Int
        let groups: [Group]
        /// Why it does not load now (it did when the config was loaded).
        let problem: String?

        struct Group: Encodable {
            let name: String
            let hosts: Int
        }
    }

    /// The runbook and inventory a body names, or 404 naming which is unknown.
    static func resolve(runbook name: String, inventory: String, in state: DaemonState) async throws(APIError) -> (Runbook, String) {
        guard let runbook = await state.catalog[name] else {
            let hint = NameSuggestion.hint(for: name, among: await state.catalog.names).map { "; \($0)" } ?? ""
            throw APIError(.notFound, "no runbook '\(VisibleText.line(name))' in the catalog\(hint)", field: "runbook")
        }
        let inventories = await state.configuration.inventories
        guard let path = inventories[inventory] else {
            let hint = NameSuggestion.hint(for: inventory, among: inventories.keys).map { "; \($0)" } ?? ""
            throw APIError(.notFound, "no inventory '\(VisibleText.line(inventory))' in the config (known: \(inventories.keys.sorted().joined(separator: ", ")))\(hint)",
                           field: "inventory")
        }
        return (runbook, path)
    }
}
