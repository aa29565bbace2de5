import Foundation
import HTTPTypes
import Testing
import WardenCore
import WardenTesting

/// `/healthz`, `/readyz`, `GET /status`, `POST /reload`, the OpenAPI document,
/// the security headers on every answer and JSON for unknown routes.
@Suite("Status, health, reload and what every answer carries")
struct StatusRouteTests {
    @Test func theStatusSaysWhatTheDaemonServesAndCarries() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let reply = try await api.get("/api/v1/status")
            #expect(reply.code == 200, "\(reply)")
            let status = reply.json
            #expect(status["version"].string == WardenVersion.current)
            #expect(status["config"].string == harness.configPath)
            #expect(status["identity"].string == "vera")
            #expect(status["accepting"].bool == true)
            #expect(status["controller"].string == OperatingSystemUser.controller)
            #expect(status["loaded_at"].double == 1_750_000_000, "the test clock's time when the harness was made")
            #expect(status["started_at"].double == 1_750_000_000)
            #expect(status["reload_failure"].isMissing)
            #expect(status["token_problem"].isMissing)
            #expect(status["waiting_for_operator"] == .array([]))
            #expect(status["runs_active"].items.count == 1)
            #expect(status["runs_active"][0]["run_id"].string == runID)
            #expect(status["runs_active"][0]["runbook"].string == "rebalance")
            #expect(status["runs_active"][0]["trigger"].string == "api")
        }
    }

    @Test func healthAndReadinessNeedNoToken() async throws {
        try await ServeHarness.with { harness, api in
            let health = try await api.get("/healthz", as: nil)
            #expect(health.code == 200 && health.json == .object(["status": .string("ok")]), "\(health)")
            let ready = try await api.get("/readyz", as: nil)
            #expect(ready.code == 200 && ready.json == .object(["status": .string("ready")]), "\(ready)")
            // A daemon that is stopping is alive but not ready.
            await harness.services.dispatcher.drain(grace: .zero)
            let stopping = try await api.get("/readyz", as: nil)
            #expect(stopping.code == 503, "\(stopping)")
            #expect(stopping.json["problems"].string?.contains("the daemon is stopping") == true, "\(stopping)")
            #expect(try await api.get("/healthz", as: nil).code == 200)
            let start = try await api.startReply("inspect")
            #expect(start.code == 503, "\(start)")
        }
    }

    @Test func aStateFolderThatCannotBeWrittenIsNotReady() async throws {
        // root writes anywhere: nothing to see then.
        guard geteuid() != 0 else { return }
        try await ServeHarness.with { harness, api in
            chmod(harness.stateFolder, 0o500)
            defer { chmod(harness.stateFolder, 0o700) }
            let reply = try await api.get("/readyz", as: nil)
            #expect(reply.code == 503, "\(reply)")
            #expect(reply.json["problems"].string?.contains("the state folder \(harness.stateFolder) is not writable") == true, "\(reply)")
        }
    }

    @Test func aReloadThatDoesNotValidateKeepsTheConfigInUse() async throws {
        try await ServeHarness.with { harness, api in
            // A config that validates is taken: a second inventory appears.
            try FileManager.default.copyItem(atPath: harness.inventoryPath, toPath: harness.folder + "/second.yaml")
            try ServeHarness.configText(harness.options, inventories: ["lab": "inventory.yaml", "lab2": "second.yaml"])
                .write(toFile: harness.configPath, atomically: false, encoding: .utf8)
            let reloaded = try await api.post("/api/v1/reload", as: .admin, body: nil)
            #expect(reloaded.code == 200, "\(reloaded)")
            #expect(reloaded.json["status"].string == "reloaded")
            let names = { (reply: Reply) in reply.json["inventories"].items.compactMap { $0["name"].string } }
            #expect(names(try await api.get("/api/v1/inventories")) == ["lab", "lab2"])

            // One that does not is refused, and the one loaded before stays.
            try ServeHarness.configText(harness.options, inventories: ["lab": "inventory.yaml"]).replacingOccurrences(of: "max_active", with: "max_actve")
                .write(toFile: harness.configPath, atomically: false, encoding: .utf8)
            let refused = try await api.post("/api/v1/reload", as: .admin, body: nil)
            #expect(refused.code == 422, "\(refused)")
            #expect(refused.message.contains("does not validate"), "\(refused)")
            #expect(refused.message.contains("max_actve"), "\(refused)")
            #expect(names(try await api.get("/api/v1/inventories")) == ["lab", "lab2"])
            let status = try await api.get("/api/v1/status").json
            #expect(status["reload_failure"].string?.contains("max_actve") == true, "\(status)")
            // The daemon still works with it.
            #expect(try await api.plan("inspect", inventory: "lab2").code == 200)

            // A later reload that validates clears the failure.
            try ServeHarness.configText(harness.options).write(toFile: harness.configPath, atomically: false, encoding: .utf8)
            #expect(try await api.post("/api/v1/reload", as: .admin, body: nil).code == 200)
            #expect(try await api.get("/api/v1/status").json["reload_failure"].isMissing)
            #expect(names(try await api.get("/api/v1/inventories")) == ["lab"])
        }
    }

    @Test func theOpenAPIDocumentDescribesRoutesThatExist() async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.get("/api/v1/openapi.json", as: nil)
            #expect(reply.code == 200, "\(reply)")
            #expect(reply[.contentType]?.hasPrefix("application/json") == true)
            #expect(reply.json["openapi"].string?.hasPrefix("3.") == true)
            let paths = try #require(reply.json["paths"].members)
            #expect(paths.count >= 20, "every route is documented: \(paths.keys.sorted())")
            for (path, operations) in paths.sorted(by: { $0.key < $1.key }) {
                let concrete = path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "x", options: .regularExpression)
                let uri = concrete.hasPrefix("/api/v1") || ["/healthz", "/readyz", "/metrics"].contains(concrete) ? concrete : "/api/v1" + concrete
                for method in (operations.members ?? [:]).keys where ["get", "post"].contains(method) {
                    let answer = try await api.call(method == "get" ? .get : .post, uri, as: .viewer, body: method == "post" ? "{}" : nil)
                    #expect(!answer.message.hasPrefix("no such route"), "\(method) \(path) is documented but not routed: \(answer)")
                }
            }
        }
    }

    @Test func aTokenFileRemovedRefusesEveryTokenUntilItIsBack() async throws {
        try await ServeHarness.with { harness, api in
            // After a reload the daemon follows the file on disk (as it does from a real start).
            #expect(try await api.post("/api/v1/reload", as: .admin, body: nil).code == 200)
            #expect(try await api.get("/api/v1/runs", as: .viewer).code == 200)
            let tokens = harness.folder + "/tokens.json"
            let aside = harness.folder + "/tokens.aside"
            try FileManager.default.moveItem(atPath: tokens, toPath: aside)
            // Removing the file revokes every token: none keeps working from memory.
            #expect(try await api.get("/api/v1/runs", as: .viewer).code == 401)
            try FileManager.default.moveItem(atPath: aside, toPath: tokens)
            let back = try await api.get("/api/v1/status", as: .viewer)
            #expect(back.code == 200, "\(back)")
            #expect(back.json["token_problem"].isMissing, "\(back)")
        }
    }

    @Test func anUnknownRouteIsAJSON404() async throws {
        try await ServeHarness.with { _, api in
            // `/` is the web UI's runs page now; an unknown path beside it is still a JSON 404.
            for path in ["/api/v1/nothing", "/nothing", "/api/v2/runs", "/api/v1/runs/x/y/z"] {
                let reply = try await api.get(path)
                #expect(reply.code == 404, "\(path): \(reply)")
                #expect(reply[.contentType] == "application/json; charset=utf-8")
                #expect(reply.error["status"].int == 404)
                #expect(reply.message.hasPrefix("no such route: GET "), "\(reply)")
            }
            let wrongMethod = try await api.call(.delete, "/api/v1/runs", as: .admin)
            #expect([404, 405].contains(wrongMethod.code), "\(wrongMethod)")
            #expect(wrongMethod.error["status"].int == wrongMethod.code, "\(wrongMethod)")
        }
    }

    static func expectSecurityHeaders(_ reply: Reply, _ what: String) {
        #expect(reply[.xContentTypeOptions] == "nosniff", "\(what)")
        #expect(reply[.contentSecurityPolicy] == "default-src 'none'; frame-ancestors 'none'", "\(what)")
        #expect(reply[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(what)")
        #expect(reply[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(what)")
    }

    @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("inspect")
            try await harness.finish(runID)
            let answers: [(String, Reply)] = [
                ("200", try await api.get("/api/v1/runs")),
                ("401", try await api.get("/api/v1/runs", as: nil)),
                ("403", try await api.post("/api/v1/reload", as: .viewer, body: nil)),
                ("404 route", try await api.get("/nowhere")),
                ("404 run", try await api.get("/api/v1/runs/nope")),
                ("400", try await api.post("/api/v1/plans", body: "{")),
                ("409", try await api.startReply("inspect", hash: "sha256:x")),
                ("SSE", try await api.get("/api/v1/runs/\(runID)/events", headers: [.accept: "text/event-stream"])),
                ("NDJSON", try await api.get("/api/v1/audit/export")),
                ("metrics", try await api.get("/metrics", as: nil)),
                ("healthz", try await api.get("/healthz", as: nil)),
                ("openapi", try await api.get("/api/v1/openapi.json", as: nil)),
                ("405", try await api.call(.delete, "/api/v1/runs", as: .admin)),
            ]
            for (what, reply) in answers { Self.expectSecurityHeaders(reply, "\(what): \(reply)") }
            // JSON answers are never cached.
            #expect(answers[0].1[.cacheControl] == "no-store")
            #expect(answers[1].1[.cacheControl] == "no-store")
        }
    }
}
