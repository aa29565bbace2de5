import Foundation
import HTTPTypes
import Testing
import WardenCore
import WardenTesting

/// `GET /runs/{id}/events`: a run's journal as JSON pages (`after`, `limit`)
/// or as Server-Sent Events whose ids are the journal's sequences, ending with
/// `run-finished`, resumed exactly after `Last-Event-ID`.
@Suite("Run events, as pages and as a stream")
struct EventStreamTests {
    /// One SSE frame.
    struct Frame: Equatable {
        var id: String?
        var event: String?
        var data: String?
    }

    /// The frames of an SSE body (comments and `retry:` left out).
    static func frames(_ text: String) -> [Frame] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var frame = Frame()
            for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("id: ") { frame.id = String(line.dropFirst(4)) }
                else if line.hasPrefix("event: ") { frame.event = String(line.dropFirst(7)) }
                else if line.hasPrefix("data: ") { frame.data = String(line.dropFirst(6)) }
            }
            return frame.event == nil ? nil : frame
        }
    }

    /// A restart run carried to its end; its id and journal.
    static func finishedRun(_ harness: ServeHarness, _ api: API) async throws -> (String, [JournalEvent]) {
        let runID = try await api.start("restart")
        try await harness.finish(runID)
        let events = try await harness.journal.events(of: runID)
        #expect(events.count >= 5, "a run long enough to page through: \(events.count)")
        return (runID, events)
    }

    @Test func pagesOfEventsFollowAfterToTheEnd() async throws {
        try await ServeHarness.with { harness, api in
            let (runID, events) = try await Self.finishedRun(harness, api)
            var after = 0
            var sequences: [Int] = []
            var finished = false
            var pages = 0
            while !finished {
                let reply = try await api.get("/api/v1/runs/\(runID)/events?after=\(after)&limit=2")
                #expect(reply.code == 200, "\(reply)")
                let page = reply.json["events"].items
                #expect(page.count <= 2)
                sequences += page.compactMap { $0["sequence"].int }
                #expect(reply.json["run_status"].string == "succeeded")
                after = try #require(reply.json["after"].int)
                finished = reply.json["finished"].bool ?? false
                pages += 1
                if pages > 50 { throw WardenTestFailure("the pages do not end") }
            }
            #expect(sequences == Array(1...events.count))
            #expect(pages == events.count / 2 + 1)
            // Each event as journaled, with its hashes.
            let first = try await api.get("/api/v1/runs/\(runID)/events").json["events"][0]
            #expect(first["kind"].string == events[0].kind.rawValue)
            #expect(first["hash"].string == events[0].hash)
            #expect(first["run_id"].string == runID)
        }
    }

    @Test(arguments: ["after=-1", "after=x", "after=9223372036854775807", "after=99999999999999999999", "limit=0", "limit=5001"])
    func aBadPageIs400(query: String) async throws {
        try await ServeHarness.with { harness, api in
            let (runID, _) = try await Self.finishedRun(harness, api)
            let reply = try await api.get("/api/v1/runs/\(runID)/events?\(query)")
            #expect(reply.code == 400, "\(reply)")
            #expect(reply.error["field"].string == String(query.prefix { $0 != "=" }))
        }
    }

    @Test func aFinishedRunStreamsEveryEventThenRunFinished() async throws {
        try await ServeHarness.with { harness, api in
            let (runID, events) = try await Self.finishedRun(harness, api)
            let reply = try await api.get("/api/v1/runs/\(runID)/events", headers: [.accept: "text/event-stream"])
            #expect(reply.code == 200)
            #expect(reply[.contentType] == "text/event-stream; charset=utf-8")
            #expect(reply[.cacheControl] == "no-cache")
            #expect(reply[HTTPField.Name("X-Accel-Buffering")!] == "no")
            #expect(reply.text.hasPrefix("retry: 2000\n\n"))
            let frames = Self.frames(reply.text)
            #expect(frames.dropLast().map(\.id) == events.map { String($0.sequence) })
            #expect(frames.dropLast().map(\.event) == events.map(\.kind.rawValue))
            #expect(frames.dropLast().map { JSON(data: Data(($0.data ?? "").utf8))["hash"].string } == events.map(\.hash))
            let last = try #require(frames.last)
            #expect(last.event == "run-finished")
            #expect(last.id == nil, "the end has no id: a client resuming after it must not skip anything")
            let end = JSON(data: Data((last.data ?? "").utf8))
            #expect(end["status"].string == "succeeded")
            #expect(end["run_id"].string == runID)
            #expect(end["last_sequence"].int == events.count)
        }
    }

    @Test func lastEventIDResumesExactlyAfterIt() async throws {
        try await ServeHarness.with { harness, api in
            let (runID, events) = try await Self.finishedRun(harness, api)
            for resumeAfter in [0, 1, 3, events.count - 1, events.count] {
                let reply = try await api.get("/api/v1/runs/\(runID)/events",
                                              headers: [.accept: "text/event-stream", HTTPField.Name("Last-Event-ID")!: String(resumeAfter)])
                #expect(reply.code == 200, "\(reply)")
                let frames = Self.frames(reply.text)
                let ids = frames.compactMap(\.id)
                #expect(ids == (resumeAfter < events.count ? Array(resumeAfter + 1...events.count).map(String.init) : []),
                        "after \(resumeAfter)")
                #expect(frames.last?.event == "run-finished")
                #expect(frames.filter { $0.event == "run-finished" }.count == 1)
            }
            // `after` in the query does the same, for clients that cannot set headers.
            let query = try await api.get("/api/v1/runs/\(runID)/events?after=4", headers: [.accept: "text/event-stream"])
            #expect(Self.frames(query.text).compactMap(\.id).first == "5")
        }
    }

    @Test(arguments: ["abc", "-1", "9223372036854775807", "1.5"])
    func aLastEventIDThatIsNotASequenceIs400(lastEventID: String) async throws {
        try await ServeHarness.with { harness, api in
            let (runID, _) = try await Self.finishedRun(harness, api)
            let reply = try await api.get("/api/v1/runs/\(runID)/events",
                                          headers: [.accept: "text/event-stream", HTTPField.Name("Last-Event-ID")!: lastEventID])
            #expect(reply.code == 400, "\(reply)")
            #expect(reply.error["field"].string == "after")
        }
    }

    @Test func aStreamOpenedOnARunningRunEndsWithTheRun() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            async let streamed = api.get("/api/v1/runs/\(runID)/events", headers: [.accept: "text/event-stream"])
            let approved = try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver, json: ["decision": "approve"])
            #expect(approved.code == 201, "\(approved)")
            try await harness.finish(runID)
            let reply = try await streamed
            #expect(reply.code == 200, "\(reply)")
            let events = try await harness.journal.events(of: runID)
            let frames = Self.frames(reply.text)
            #expect(frames.compactMap(\.id) == events.map { String($0.sequence) }, "every event once, in order")
            #expect(frames.last?.event == "run-finished")
            #expect(JSON(data: Data((frames.last?.data ?? "").utf8))["status"].string == "succeeded")
        }
    }

    @Test func aRunningRunsPageIsNotFinished() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let reply = try await api.get("/api/v1/runs/\(runID)/events")
            #expect(reply.code == 200, "\(reply)")
            #expect(reply.json["run_status"].string == "running")
            #expect(reply.json["finished"].bool == false)
            #expect(reply.json["events"].items.last?["kind"].string == "waiting-approval")
            let after = try #require(reply.json["after"].int)
            let next = try await api.get("/api/v1/runs/\(runID)/events?after=\(after)")
            #expect(next.json["events"] == .array([]))
            #expect(next.json["after"].int == after)
        }
    }
}
