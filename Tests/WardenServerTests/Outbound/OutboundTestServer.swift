import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

/// A real HTTP server on a loopback port, in-process, for the outbound client's tests:
///
/// - `POST /echo` answers 200 with a JSON object of what it received (method, body, the
///   `X-Test` and `Authorization` headers);
/// - `GET /fail` answers 500 with a short body;
/// - `GET /big` answers 200 with 2 MiB;
/// - `POST /flaky` answers 500 to its first request and 200 after;
/// - `POST /refuse` answers 400.
///
/// Every request's body and `Authorization` header is kept in `received`.
enum OutboundTestServer {
    /// One request the server got.
    struct Received: Sendable {
        let path: String
        let authorization: String?
        let body: String
    }

    /// Runs `body` with the server's port and what it received so far.
    static func with<T: Sendable>(_ body: @Sendable (_ port: Int, _ received: @Sendable () -> [Received]) async throws -> T) async throws -> T {
        let log = Mutex<[Received]>([])
        let router = Router()
        @Sendable func record(_ request: Request) async throws -> ByteBuffer {
            let bytes = try await request.body.collect(upTo: 1 << 20)
            log.withLock {
                $0.append(Received(path: request.uri.path, authorization: request.headers[.authorization], body: String(buffer: bytes)))
            }
            return bytes
        }
        router.post("/echo") { request, _ -> Response in
            let bytes = try await record(request)
            let seen: [String: String] = [
                "method": request.method.rawValue, "body": String(buffer: bytes),
                "x-test": request.headers[HTTPField.Name("X-Test")!] ?? "", "authorization": request.headers[.authorization] ?? "",
                "content-type": request.headers[.contentType] ?? "", "connection": request.headers[.connection] ?? "",
            ]
            let json = try JSONSerialization.data(withJSONObject: seen, options: [.sortedKeys])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        router.get("/fail") { _, _ -> Response in
            Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "boom")))
        }
        router.get("/big") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 << 20)))
        }
        router.post("/flaky") { request, _ -> Response in
            _ = try await record(request)
            let first = log.withLock { $0.filter { $0.path == "/flaky" }.count == 1 }
            return Response(status: first ? .internalServerError : .ok)
        }
        router.post("/refuse") { request, _ -> Response in
            _ = try await record(request)
            return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "no such channel")))
        }
        var logger = Logger(label: "outbound-test-server")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(.live) { client in
            guard let port = client.port else { throw OutboundTestFailure("the live test server has no port") }
            return try await body(port) { log.withLock { $0 } }
        }
    }
}
