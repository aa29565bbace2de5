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

/// An HTTP answer: status, headers (names in lower case), body.
public struct TestHTTPResponse: Sendable, CustomStringConvertible {
    public let status: Int
    public let headers: [String: String]
    public let body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (fails naming the body when it is not one).
    public func json() throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw WardenTestFailure("HTTP \(status): the body is not a JSON object: \(text)")
        }
        return object
    }

    /// `error.message` of an API error body.
    public var errorMessage: String? {
        ((try? json())?["error"] as? [String: Any])?["message"] as? String
    }

    public var description: String { "HTTP \(status): \(text)" }
}

/// One Server-Sent Event: its `id:` (absent when the server sent none), `event:` (`message` by default) and data lines.
public struct ServerSentEvent: Sendable, Hashable, CustomStringConvertible {
    public var id: String?
    public var event: String
    public var data: String

    public init(id: String?, event: String, data: String) {
        self.id = id
        self.event = event
        self.data = data
    }

    /// The data as a JSON object (empty when it is not one).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]) ?? [:]
    }

    public var description: String { "\(id.map { "#\($0) " } ?? "")\(event): \(data)" }
}

/// Turns the bytes of an event stream into events as the HTML standard reads them: fields up
/// to a blank line, comments (`: heartbeat`) and `retry:` dispatch nothing, an event needs data.
struct ServerSentEventParser {
    private var pending: [UInt8] = []
    private var id: String?
    private var event = ""
    private var data: [String] = []

    mutating func feed(_ bytes: [UInt8]) -> [ServerSentEvent] {
        pending += bytes
        var events: [ServerSentEvent] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty {
                    events.append(ServerSentEvent(id: id, event: event.isEmpty ? "message" : event, data: data.joined(separator: "\n")))
                }
                (id, event, data) = (nil, "", [])
                continue
            }
            if line.hasPrefix(":") { continue }
            let (name, value): (String, String)
            if let colon = line.firstIndex(of: ":") {
                name = String(line[..<colon])
                let rest = line[line.index(after: colon)...]
                value = String(rest.hasPrefix(" ") ? rest.dropFirst() : rest)
            } else {
                (name, value) = (line, "")
            }
            switch name {
            case "id": id = value
            case "event": event = value
            case "data": data.append(value)
            default: break
            }
        }
        return events
    }
}

/// One blocking TCP connection to a loopback server, with a deadline on every read and write.
final class LoopbackHTTPConnection {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let deadline: ContinuousClock.Instant
    private let limit: Duration

    init(host: String, port: Int, limit: Duration) throws {
        self.limit = limit
        deadline = .now + limit
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw WardenTestFailure("socket: \(String(cString: strerror(errno)))") }
        // Reads and writes wake every 250 ms to check the deadline.
        var wake = timeval(tv_sec: 0, tv_usec: 250_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wake, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &wake, socklen_t(MemoryLayout<timeval>.size))
        var address = Self.address(host, port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ConnectionRefused(description: "connecting to \(host):\(port): \(reason)")
        }
    }

    deinit { close(descriptor) }

    struct ConnectionRefused: Error, CustomStringConvertible {
        let description: String
    }

    static func address(_ host: String, _ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        return address
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                offset += sent
            } else if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK {
                try checkDeadline("sending")
            } else {
                throw WardenTestFailure("sending the request: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads more into the buffer; false at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[..<count]
                return true
            }
            if count == 0 { return false }
            guard errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK else {
                throw WardenTestFailure("reading the answer: \(String(cString: strerror(errno)))")
            }
            try checkDeadline("waiting for the answer")
        }
    }

    private func checkDeadline(_ doing: String) throws {
        if ContinuousClock.now >= deadline { throw WardenTestFailure("\(doing): no progress within \(limit)") }
    }

    /// A line without its CRLF (or LF).
    func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                if line.hasSuffix("\r") { line.removeLast() }
                return line
            }
            guard try fill() else { throw WardenTestFailure("the connection closed in the middle of a line") }
        }
    }

    /// Up to `count` bytes: what is buffered, else what the next read brings; empty at the end of the stream.
    func read(upTo count: Int) throws -> [UInt8] {
        if buffer.isEmpty, try !fill() { return [] }
        let taken = Array(buffer.prefix(count))
        buffer.removeFirst(taken.count)
        return taken
    }

    func readExactly(_ count: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let piece = try read(upTo: count - bytes.count)
            guard !piece.isEmpty else { throw WardenTestFailure("the connection closed \(count - bytes.count) bytes before the end of the body") }
            bytes += piece
        }
        return bytes
    }

    /// The status line and headers (names in lower case; a repeated header's values joined by ", ").
    func readHead() throws -> (status: Int, headers: [String: String]) {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw WardenTestFailure("not an HTTP answer: '\(statusLine)'")
        }
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw WardenTestFailure("a malformed header line: '\(line)'") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        return (status, headers)
    }
}

/// The body of an answer, a piece at a time, however it is framed (chunked, a length, or until the connection closes).
final class BodyReader {
    private enum Framing {
        case none
        case chunked
        case length(Int)
        case untilClose
    }

    private let connection: LoopbackHTTPConnection
    private var framing: Framing

    init(_ connection: LoopbackHTTPConnection, fields: [String: String], method: String, status: Int) {
        self.connection = connection
        if method == "HEAD" || status == 204 || status == 304 || (100..<200).contains(status) {
            framing = .none
        } else if fields["transfer-encoding"]?.lowercased().contains("chunked") == true {
            framing = .chunked
        } else if let length = fields["content-length"].flatMap({ Int($0) }) {
            framing = .length(length)
        } else {
            framing = .untilClose
        }
    }

    /// The next piece of the body; nil at its end.
    func next() throws -> [UInt8]? {
        switch framing {
        case .none:
            return nil
        case let .length(remaining):
            guard remaining > 0 else { return nil }
            let piece = try connection.read(upTo: remaining)
            guard !piece.isEmpty else { throw WardenTestFailure("the connection closed \(remaining) bytes before the end of the body") }
            framing = .length(remaining - piece.count)
            return piece
        case .untilClose:
            let piece = try connection.read(upTo: 1 << 20)
            return piece.isEmpty ? nil : piece
        case .chunked:
            let sizeLine = try connection.readLine()
            guard let size = Int(sizeLine.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? "", radix: 16) else {
                throw WardenTestFailure("a malformed chunk size: '\(sizeLine)'")
            }
            if size == 0 {
                while try !connection.readLine().isEmpty {}  // trailers
                framing = .none
                return nil
            }
            let piece = try connection.readExactly(size)
            _ = try connection.readLine()
            return piece
        }
    }
}
