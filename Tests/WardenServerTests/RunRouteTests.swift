import Foundation
import Testing
import WardenCore
import WardenTesting

/// `GET /runs` (pages newest first, filters, cursors) and `GET /runs/{id}`
/// (one run in detail, read from the journal).
@Suite("Run routes")
struct RunRouteTests {
    /// Starts `count` read-only runs as `caller`, moving the clock now and then so that some
    /// start at the same moment and some do not; their ids.
    static func inspections(_ count: Int, as caller: Caller, harness: ServeHarness, api: API) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            ids.append(try await api.start("inspect", as: caller))
            if index % 3 == 0 { harness.clock.advance(by: .seconds(1)) }
        }
        for id in ids { try await harness.finish(id) }
        return ids
    }

    /// Every run of the listing, page by page; fails on a page that repeats a run.
    static func pages(of query: String, limit: Int, api: API) async throws -> (ids: [String], pages: Int) {
        var ids: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let separator = query.isEmpty ? "" : "&"
            let uri = "/api/v1/runs?\(query)\(separator)limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? "")
            let reply = try await api.get(uri)
            #expect(reply.code == 200, "\(reply)")
            let page = reply.json["runs"].items.compactMap { $0["id"].string }
            #expect(page.count <= limit)
            ids += page
            cursor = reply.json["next_cursor"].string
            pages += 1
            if pages > 100 { throw WardenTestFailure("the listing does not end") }
        } while cursor != nil
        return (ids, pages)
    }

    @Test func pagingThroughManyRunsNeitherRepeatsNorSkipsOne() async throws {
        try await ServeHarness.with { harness, api in
            var started = try await Self.inspections(17, as: .operator, harness: harness, api: api)
            started += try await Self.inspections(6, as: .admin, harness: harness, api: api)
            let all = try await api.get("/api/v1/runs?limit=500").json["runs"].items.compactMap { $0["id"].string }
            #expect(Set(all) == Set(started) && all.count == started.count)
            for limit in [1, 4, 5, 23, 50] {
                let (ids, pages) = try await Self.pages(of: "", limit: limit, api: api)
                #expect(ids == all, "limit \(limit): pages give the listing's order, without repeats or gaps")
                #expect(pages == started.count / limit + 1, "limit \(limit)")
            }
            // Newest first: by start time, then by id.
            let runs = try await harness.journal.runs()
            let order = runs.sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }.map(\.id)
            #expect(all == order)
        }
    }

    @Test func filtersNarrowTheListingAndPageToo() async throws {
        try await ServeHarness.with { harness, api in
            let olgas = try await Self.inspections(7, as: .operator, harness: harness, api: api)
            let adas = try await Self.inspections(3, as: .admin, harness: harness, api: api)
            harness.transport.set("load", to: "99", on: "db1")
            let blocked = try #require(try await api.startReply("restart").error["run_id"].string)
            // A run started at a terminal, in the same journal.
            try await harness.journal.begin(JournalRun(id: "20250615-150000-0001", runbook: "inspect", file: "/x/inspect.yaml", initiator: "tess",
                                                       controller: "elsewhere:1", planHash: "sha256:t", parameters: "",
                                                       startedAt: harness.clock.now, trigger: .terminal))

            func ids(_ query: String) async throws -> Set<String> {
                let reply = try await api.get("/api/v1/runs?\(query)")
                #expect(reply.code == 200, "\(query): \(reply)")
                return Set(reply.json["runs"].items.compactMap { $0["id"].string })
            }
            #expect(try await ids("initiator=ada") == Set(adas))
            #expect(try await ids("initiator=olga&runbook=inspect") == Set(olgas))
            #expect(try await ids("initiator=olga") == Set(olgas + [blocked]))
            #expect(try await ids("status=blocked") == [blocked])
            #expect(try await ids("status=succeeded&runbook=inspect") == Set(olgas + adas))
            #expect(try await ids("trigger=terminal") == ["20250615-150000-0001"])
            #expect(try await ids("status=running") == ["20250615-150000-0001"])
            #expect(try await ids("trigger=api&runbook=restart") == [blocked])
            #expect(try await ids("runbook=rebalance").isEmpty)
            let (paged, _) = try await Self.pages(of: "initiator=olga&runbook=inspect", limit: 2, api: api)
            #expect(paged.count == olgas.count && Set(paged) == Set(olgas))
        }
    }

    @Test(arguments: [
        ("status=bogus", "status"), ("trigger=cron", "trigger"), ("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"),
        ("limit=-1", "limit"), ("cursor=!!!", "cursor"), ("cursor=bm90IGEgY3Vyc29y", "cursor"), ("stauts=running", "stauts"),
    ])
    func aBadFilterIs400NamingIt(query: String, field: String) async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.get("/api/v1/runs?\(query)")
            #expect(reply.code == 400, "\(query): \(reply)")
            #expect(reply.error["field"].string == field, "\(reply)")
            if field == "stauts" { #expect(reply.message.contains("did you mean 'status'?"), "\(reply)") }
        }
    }

    @Test func aFinishedRunIsShownInDetail() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("restart", params: ["host": "db2"])
            try await harness.finish(runID)
            let reply = try await api.get("/api/v1/runs/\(runID)")
            #expect(reply.code == 200, "\(reply)")
            let detail = reply.json
            #expect(detail["run"]["id"].string == runID)
            #expect(detail["run"]["status"].string == "succeeded")
            #expect(detail["run"]["initiator"].string == "olga")
            #expect(detail["run"]["trigger"].string == "api")
            #expect(detail["run"]["inventory"].string == harness.inventoryPath)
            #expect(detail["run"]["plan"].isMissing, "the plan is given once, as an object")
            #expect(detail["plan"]["hash"] == detail["run"]["plan_hash"])
            #expect(detail["plan"]["runbook"].string == "restart")
            let steps = detail["steps"].items
            #expect(steps.map { $0["id"].string } == ["restart"])
            #expect(steps[0]["status"].string == "ok")
            #expect(steps[0]["kind"].string == "mutating")
            // When the command left and when its outcome came: the test clock stood still at its start while the step ran.
            let at = JSON.number(detail["run"]["started_at"].double ?? -1)
            #expect(steps[0]["hosts"] == .array([.object(["host": .string("db2"), "status": .string("ok"), "exit": .number(0),
                                                          "command": .string("restart db"), "started_at": at, "ended_at": at])]))
            #expect(steps[0]["started_at"] == at && steps[0]["ended_at"] == at, "\(steps[0])")
            #expect(detail["approvals"] == .array([]))
            #expect(detail["locks"] == .array([]))
            #expect(detail["waiting_for_approval"].isMissing)
            #expect(detail["controller_gone"].bool == false)
        }
    }

    @Test func aFailedHostShowsItsExitCodeAndReason() async throws {
        try await ServeHarness.with { harness, api in
            harness.transport.on(.equals("restart db"), host: "db2", reply: .exit(3, stderr: "the service would not stop\n"))
            let runID = try await api.start("restart", params: ["host": "db2"])
            let run = try await harness.finish(runID)
            #expect(run.status == .ended(.failed))
            let host = try await api.get("/api/v1/runs/\(runID)").json["steps"][0]["hosts"][0]
            #expect(host["status"].string == "failed")
            #expect(host["exit"].int == 3)
            #expect(host["reason"].string?.isEmpty == false, "\(host)")
        }
    }

    @Test func anUnknownRunIs404() async throws {
        try await ServeHarness.with { _, api in
            for path in ["/api/v1/runs/20250101-000000-dead", "/api/v1/runs/nope/events", "/api/v1/runs/%2E%2E"] {
                let reply = try await api.get(path)
                #expect(reply.code == 404, "\(path): \(reply)")
                #expect(reply.message.hasPrefix("no run '"), "\(reply)")
            }
        }
    }
}
