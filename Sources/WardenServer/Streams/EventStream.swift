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
/// `X-Accel-Buffering`). A client that goes away ends the loop at its next
/// write: it costs nothing after that.
struct EventStream: Sendable {
    let journal: Journal
    let signal: ChangeSignal
    let runID: String
    /// The last sequence the client has.
    let after: Int
    var heartbeat: Duration = .seconds(15)
    /// How long to wait for a write of this process before looking again anyway (another process may have written).
    var poll: Duration = .milliseconds(250)

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
        // A daemon that is stopping ends its streams once its own runs ended (the run keeper stops
        // first); clients continue from Last-Event-ID with the next daemon.
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            // One read per wake-up while events flow; the run's row only when there are none (has it ended?).
            let events = try await journal.events(of: runID, from: last + 1)
            if !events.isEmpty {
                var frame = ""
                for event in events {
                    frame += EventStream.frame(id: String(event.sequence), event: event.kind.rawValue, data: EventStream.json(event))
                    last = event.sequence
                }
                try await writer.write(ByteBuffer(string: frame))
                quiet = ContinuousClock.now
                continue
            }
            let run = try await journal.run(runID)
            if let run, case .ended = run.status {
                // Events journaled between the two reads come first.
                if try await !journal.events(of: runID, from: last + 1).isEmpty { continue }
                let end = RunEnd(runID: runID, status: run.status.rawValue, reason: run.reason, lastSequence: last)
                try await writer.write(ByteBuffer(string: EventStream.frame(id: nil, event: "run-finished", data: EventStream.json(end))))
                return
            }
            if ContinuousClock.now - quiet >= heartbeat {
                try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                quiet = ContinuousClock.now
            }
            await signal.wait(timeout: poll)
        }
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
