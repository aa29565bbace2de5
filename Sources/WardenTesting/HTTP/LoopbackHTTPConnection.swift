import Foundation

/// One blocking TCP connection to a loopback server, with a deadline on every read and write.
final class LoopbackHTTPConnection {
    /// -1 once closed: an initializer that throws after every property is set still runs
    /// `deinit`, and a second close(2) of the number would close whatever the process opened
    /// under it meanwhile (an in-process NIO server's socket: a crash or a hung test).
    private var descriptor: Int32
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
            descriptor = -1
            throw ConnectionRefused(description: "connecting to \(host):\(port): \(reason)")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

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
