import Foundation

/// A small HTTP/1.1 client for tests of `warden serve` over a real socket:
/// plain requests (`get`, `post`), and Server-Sent Events read as they
/// arrive (`events`), which URLSession on Linux cannot do. Each request has
/// its own connection (`Connection: close`), opened with close-on-exec so no
/// process a parallel test starts inherits it, and its blocking reads run on
/// a thread of their own, off the cooperative pool. Plain HTTP only: test
/// HTTPS with curl.
///
/// ```swift
/// let api = TestHTTPClient(port: serve.port, token: operatorToken)
/// let plan = try await api.post("/api/v1/plans", json: ["runbook": "pegasus-inspect", "inventory": "pegasus"])
/// #expect(plan.status == 200)
/// let events = try await api.events("/api/v1/runs/\(id)/events") { $0.event == "run-finished" }
/// ```
public struct TestHTTPClient: Sendable {
    public let host: String
    public let port: Int
    /// Sent as `Authorization: Bearer TOKEN` when set.
    public let token: String?

    public init(port: Int, host: String = "127.0.0.1", token: String? = nil) {
        self.host = host
        self.port = port
        self.token = token
    }

    /// The same server with another token (nil: none).
    public func authorized(_ token: String?) -> TestHTTPClient {
        TestHTTPClient(port: port, host: host, token: token)
    }

    public func get(_ path: String, headers: [String: String] = [:], limit: Duration = .seconds(60)) async throws -> TestHTTPResponse {
        try await send("GET", path, headers: headers, limit: limit)
    }

    /// POSTs `json` (a dictionary or array JSONSerialization can write) as the body.
    public func post(_ path: String, json: Any = [String: Any](), headers: [String: String] = [:],
                     limit: Duration = .seconds(120)) async throws -> TestHTTPResponse {
        let body = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return try await send("POST", path, body: body, headers: ["Content-Type": "application/json"].merging(headers) { $1 }, limit: limit)
    }

    /// One request and its whole answer; fails past `limit`.
    public func send(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:],
                     limit: Duration = .seconds(60)) async throws -> TestHTTPResponse {
        let request = head(method, path, headers: headers, bodyLength: body?.count)
        let (host, port) = (self.host, self.port)
        return try await onDedicatedThread {
            let connection = try LoopbackHTTPConnection(host: host, port: port, limit: limit)
            try connection.send(Array(request.utf8) + Array(body ?? Data()))
            let (status, fields) = try connection.readHead()
            let reader = BodyReader(connection, fields: fields, method: method, status: status)
            var bytes: [UInt8] = []
            while let piece = try reader.next() { bytes += piece }
            return TestHTTPResponse(status: status, headers: fields, body: Data(bytes))
        }
    }

    /// Reads `path` as a Server-Sent Events stream (with `Last-Event-ID` when given) until
    /// `stop` holds for an event (included) or the server ends the stream: the events, in
    /// order. Fails if the answer is not 200, or past `limit` (saying what had arrived).
    public func events(_ path: String, lastEventID: String? = nil, limit: Duration = .seconds(180),
                       until stop: @escaping @Sendable (ServerSentEvent) -> Bool) async throws -> [ServerSentEvent] {
        var headers = ["Accept": "text/event-stream"]
        if let lastEventID { headers["Last-Event-ID"] = lastEventID }
        let request = head("GET", path, headers: headers, bodyLength: nil)
        let (host, port) = (self.host, self.port)
        return try await onDedicatedThread {
            let connection = try LoopbackHTTPConnection(host: host, port: port, limit: limit)
            try connection.send(Array(request.utf8))
            let (status, fields) = try connection.readHead()
            let reader = BodyReader(connection, fields: fields, method: "GET", status: status)
            guard status == 200 else {
                var bytes: [UInt8] = []
                while let piece = try reader.next() { bytes += piece }
                throw WardenTestFailure("GET \(path) as an event stream answered \(status): \(String(decoding: bytes, as: UTF8.self))")
            }
            var parser = ServerSentEventParser()
            var events: [ServerSentEvent] = []
            do {
                while let piece = try reader.next() {
                    for event in parser.feed(piece) {
                        events.append(event)
                        if stop(event) { return events }
                    }
                }
            } catch {
                throw WardenTestFailure("reading the event stream \(path): \(error); it had sent \(events.count) events: "
                                        + events.map { "\($0.id ?? "-") \($0.event)" }.joined(separator: ", "))
            }
            return events
        }
    }

    private func head(_ method: String, _ path: String, headers: [String: String], bodyLength: Int?) -> String {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: \(host):\(port)", "Connection: close", "User-Agent: warden-tests"]
        if let token { lines.append("Authorization: Bearer \(token)") }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
        if let bodyLength { lines.append("Content-Length: \(bodyLength)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// A free TCP port on loopback, below the kernel's range for outgoing connections (so an
    /// SSH connection of another test is not given it meanwhile); bind it soon.
    public static func freePort() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_000)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { break }
            defer { close(descriptor) }
            var address = LoopbackHTTPConnection.address("127.0.0.1", port)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0 { return port }
        }
        throw WardenTestFailure("found no free port on 127.0.0.1")
    }
}
