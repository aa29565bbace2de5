import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import NIOCore
import WardenCore

/// A run's journal as Server-Sent Events: one event per journal record, its
/// `id:` the record's sequence, so a client that reconnects with
/// `Last-Event-ID` continues exactly after the last one it got; a comment
/// every `heartbeat` so proxies and clients know the stream lives; a last
/// `run-finished` event (without an id) once the run has ended and every
/// record was sent. Headers keep proxies from buffering it (nginx reads
/// `X-Accel-Buffering`). New records come from the run's shared feed
/// (`RunEventHub`). A client that goes away ends its loop at its next write
/// and leaves the feed: it costs nothing after that.
struct EventStream: Sendable {
    let journal: Journal
    /// The run's shared feed of new records (one journal reader for all its streams).
    let hub: RunEventHub
    let runID: String
    /// The last sequence the client has.
    let after: Int
    var heartbeat: Duration = .seconds(15)

    func response() -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        let stream = self
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await stream.write(to: &writer)
            try await writer.finish(nil)
        })
    }

    private func write(to writer: inout any ResponseBodyWriter) async throws {
        var last = after
        var quiet = ContinuousClock.now
        // Tells the client how long to wait before reconnecting.
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        // What came before, read for this client alone; then the shared feed. Subscribing before the
        // second read means a record is in that read, in the feed, or in both (dropped by sequence).
        try await send(try await journal.events(of: runID, from: last + 1), after: &last, to: &writer)
        let (subscription, batches) = await hub.subscribe(runID, after: last)
        defer { Task { [hub, runID] in await hub.unsubscribe(runID, subscription) } }
        try await send(try await journal.events(of: runID, from: last + 1), after: &last, to: &writer)
        if let run = try await journal.run(runID), case .ended = run.status {
            try await send(try await journal.events(of: runID, from: last + 1), after: &last, to: &writer)
            try await writer.write(ByteBuffer(string: EventStream.end(run, last: last)))
            return
        }
        // A daemon that is stopping ends its streams once its own runs ended (the run keeper stops
        // first); clients continue from Last-Event-ID with the next daemon.
        for await batch in batches {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            switch batch {
            case let .events(events):
                if try await send(events, after: &last, to: &writer) { quiet = ContinuousClock.now }
            case .tick:
                if ContinuousClock.now - quiet >= heartbeat {
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    quiet = ContinuousClock.now
                }
            case let .ended(run):
                try await writer.write(ByteBuffer(string: EventStream.end(run, last: last)))
                return
            }
        }
    }

    /// Writes the records after `last` (a batch may repeat some the client has); true when any went out.
    @discardableResult
    private func send(_ events: [JournalEvent], after last: inout Int, to writer: inout any ResponseBodyWriter) async throws -> Bool {
        var frame = ""
        for event in events where event.sequence > last {
            frame += EventStream.frame(id: String(event.sequence), event: event.kind.rawValue, data: EventStream.json(event))
            last = event.sequence
        }
        guard !frame.isEmpty else { return false }
        try await writer.write(ByteBuffer(string: frame))
        return true
    }

    /// The last frame: how the run ended, and the last record sent.
    static func end(_ run: JournalRun, last: Int) -> String {
        frame(id: nil, event: "run-finished", data: json(RunEnd(runID: run.id, status: run.status.rawValue, reason: run.reason, lastSequence: last)))
    }

    /// What the last event says: how the run ended, and the last record sent.
    struct RunEnd: Encodable {
        let runID: String
        let status: String
        let reason: String?
        let lastSequence: Int

        enum CodingKeys: String, CodingKey {
            case status, reason
            case runID = "run_id"
            case lastSequence = "last_sequence"
        }
    }

    /// One SSE frame. `data` is one line of JSON (the encoder escapes every newline in it).
    static func frame(id: String?, event: String, data: String) -> String {
        (id.map { "id: \($0)\n" } ?? "") + "event: \(event)\ndata: \(data)\n\n"
    }

    static func json(_ value: some Encodable) -> String {
        String(decoding: (try? JSONResponse.encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
