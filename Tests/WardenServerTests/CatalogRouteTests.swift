import Foundation
import Testing
import WardenCore
import WardenTesting

/// `GET /runbooks`, `GET /runbooks/{name}` and `GET /inventories`: what a client
/// needs to start a run, with typed parameters and never a secret's default.
@Suite("Catalog routes")
struct CatalogRouteTests {
    @Test func theCatalogListsEveryRunbookWithItsTypedParameters() async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.get("/api/v1/runbooks")
            #expect(reply.code == 200, "\(reply)")
            let runbooks = reply.json["runbooks"].items
            #expect(runbooks.map { $0["name"].string ?? "" } == ["inspect", "rebalance", "restart"])

            let inspect = runbooks[0]
            #expect(inspect["summary"].string == "Ask every host for its service's status; changes nothing.")
            #expect(inspect["mutating"].bool == false)
            #expect(inspect["gated"].bool == false)
            #expect(inspect["targets"][0]["name"].string == "fleet")
            #expect(inspect["targets"][0]["pattern"].string == "fleet")
            #expect(inspect["targets"][0]["at_least"].int == 1)
            let parameters = Dictionary(uniqueKeysWithValues: inspect["parameters"].items.map { ($0["name"].string ?? "", $0) })
            #expect(parameters["service"]?["type"].string == "string")
            #expect(parameters["service"]?["default"].string == "db")
            #expect(parameters["service"]?["doc"].string == "the service to ask about")
            #expect(parameters["threshold"]?["type"].string == "int")
            #expect(parameters["threshold"]?["default"].int == 5)
            #expect(parameters["ratio"]?["type"].string == "number")
            #expect(parameters["ratio"]?["default"].double == 0.5)
            #expect(parameters["verbose"]?["type"].string == "bool")
            #expect(parameters["verbose"]?["default"].bool == false)
            #expect(parameters["mode"]?["type"].string == "enum")
            #expect(parameters["mode"]?["values"] == .array([.string("quick"), .string("full")]))
            #expect(parameters["api_key"]?["secret"].bool == true)
            #expect(parameters["api_key"]?["default"].isMissing == true)
            #expect(parameters.values.allSatisfy { $0["required"].bool == false })

            #expect(runbooks[1]["gated"].bool == true)
            #expect(runbooks[1]["mutating"].bool == true)
            #expect(runbooks[2]["gated"].bool == false)
            #expect(runbooks[2]["mutating"].bool == true)
        }
    }

    @Test func oneRunbookIsDescribedAlone() async throws {
        try await ServeHarness.with { harness, api in
            let reply = try await api.get("/api/v1/runbooks/rebalance")
            #expect(reply.code == 200, "\(reply)")
            #expect(reply.json["name"].string == "rebalance")
            #expect(reply.json["file"].string == harness.folder + "/runbooks/rebalance.yaml")
            #expect(reply.json["targets"] == .array([.object(["name": .string("meta"), "pattern": .string("meta1"), "exactly": .number(1)])]))
            #expect(reply.json["parameters"] == .array([]))
        }
    }

    @Test func anUnknownRunbookIs404WithTheClosestName() async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.get("/api/v1/runbooks/inspct")
            #expect(reply.code == 404, "\(reply)")
            #expect(reply.error["status"].int == 404)
            #expect(reply.message.contains("no runbook 'inspct'"), "\(reply)")
            #expect(reply.message.contains("did you mean 'inspect'?"), "\(reply)")
        }
    }

    @Test func theInventoriesAreListedWithTheirHostsAndGroups() async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.get("/api/v1/inventories")
            #expect(reply.code == 200, "\(reply)")
            let inventories = reply.json["inventories"].items
            #expect(inventories.count == 1)
            #expect(inventories[0]["name"].string == "lab")
            #expect(inventories[0]["hosts"].int == 3)
            #expect(inventories[0]["groups"] == .array([.object(["name": .string("db"), "hosts": .number(2)]),
                                                        .object(["name": .string("fleet"), "hosts": .number(3)])]))
            #expect(inventories[0]["problem"].isMissing)
        }
    }

    @Test func anInventoryThatStoppedLoadingSaysWhy() async throws {
        try await ServeHarness.with { harness, api in
            try "hosts: [not, a, mapping]\n".write(toFile: harness.inventoryPath, atomically: false, encoding: .utf8)
            let reply = try await api.get("/api/v1/inventories")
            #expect(reply.code == 200, "\(reply)")
            #expect(reply.json["inventories"][0]["hosts"].int == 0)
            #expect(reply.json["inventories"][0]["problem"].string?.isEmpty == false, "\(reply)")
        }
    }
}
