import Foundation
import Testing
import WardenServer
import WardenTesting

/// The outbound client against real sockets on loopback: an in-process Hummingbird server, a
/// port that never answers, a port nobody listens on. Every failing request carries a bearer
/// token, and no error may repeat it.
@Suite("Outbound HTTP client")
struct OutboundHTTPClientTests {
    static let token = "wdn_outbound-test-secret-7f3a"
    static let authorization = [(name: "Authorization", value: "Bearer \(token)")]
    let client = OutboundHTTPClient()

    /// Sends `request`, which must fail: its error, checked for the token.
    func failure(_ request: OutboundRequest, sourceLocation: SourceLocation = #_sourceLocation) async -> OutboundError? {
        do {
            let response = try await client.send(request)
            Issue.record("expected an error, got HTTP \(response.status)", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(!error.description.contains(Self.token), "the token leaked into: \(error)", sourceLocation: sourceLocation)
            #expect(!"\(error)".contains(Self.token), sourceLocation: sourceLocation)
            return error
        }
    }

    @Test func aJSONPostGoesAndComesBackWithItsHeaders() async throws {
        try await OutboundTestServer.with { port, _ in
            let request = try OutboundRequest.json("POST", url: "http://127.0.0.1:\(port)/echo", body: ["rule": "disk-full"],
                                                   headers: [("X-Test", "yes")] + Self.authorization)
            let response = try await client.send(request)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            let seen = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String])
            #expect(seen["method"] == "POST")
            #expect(seen["body"] == #"{"rule":"disk-full"}"#)
            #expect(seen["x-test"] == "yes")
            #expect(seen["authorization"] == "Bearer \(Self.token)")
            #expect(seen["content-type"] == "application/json")
            #expect(seen["connection"] == "close")
        }
    }

    @Test func aServerErrorIsAnAnswerNotAnError() async throws {
        try await OutboundTestServer.with { port, _ in
            let response = try await client.send(OutboundRequest(method: "GET", url: "http://127.0.0.1:\(port)/fail", headers: Self.authorization))
            #expect(response.status == 500)
            #expect(response.text == "boom")
            #expect(!response.isSuccess)
        }
    }

    @Test func aBodyOverTheLimitIsRefused() async throws {
        try await OutboundTestServer.with { port, _ in
            let small = OutboundRequest(method: "GET", url: "http://127.0.0.1:\(port)/big", headers: Self.authorization)
            let error = try #require(await failure(small))
            #expect(error.kind == .tooLarge, "\(error)")
            #expect(error.description.contains("127.0.0.1:\(port)"), "\(error)")
            #expect(error.description.contains("1048576 bytes"), "\(error)")

            var large = small
            large.responseBodyLimit = 4 << 20
            #expect(try await client.send(large).body.count == 2 << 20)
        }
    }

    @Test func aServerThatNeverAnswersTimesOutAtTheDeadline() async throws {
        let silent = try SilentListener()
        let started = ContinuousClock.now
        let request = OutboundRequest(method: "POST", url: "http://127.0.0.1:\(silent.port)/api/v2/silences", headers: Self.authorization,
                                      body: Array("{}".utf8), deadline: .milliseconds(300))
        let error = try #require(await failure(request))
        let elapsed = ContinuousClock.now - started
        #expect(error.kind == .timedOut, "\(error)")
        #expect(error.description.contains("POST 127.0.0.1:\(silent.port)"), "\(error)")
        // Not before the deadline; how soon after is for scripts/bench (a loaded test machine delays the wake-up).
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(120), "gave up after \(elapsed)")
        withExtendedLifetime(silent) {}
    }

    @Test func aPortNobodyListensOnCannotConnectAndSaysWhere() async throws {
        let port = try TestHTTPClient.freePort()
        let error = try #require(await failure(OutboundRequest(method: "GET", url: "http://127.0.0.1:\(port)/-/ready", headers: Self.authorization)))
        #expect(error.kind == .cannotConnect, "\(error)")
        #expect(error.description.contains("127.0.0.1:\(port)"), "\(error)")
        #expect(error.description.lowercased().contains("refused"), "\(error)")
    }

    @Test func httpsToAPlainHTTPServerFailsAsTLS() async throws {
        try await OutboundTestServer.with { port, _ in
            let error = try #require(await failure(OutboundRequest(method: "GET", url: "https://127.0.0.1:\(port)/fail", headers: Self.authorization)))
            #expect(error.kind == .tls, "\(error)")
            #expect(error.description.contains("127.0.0.1:\(port)"), "\(error)")
        }
    }

    @Test func aURLItCannotUseIsRefusedWithoutEchoingItsSecrets() async throws {
        let scheme = try #require(await failure(OutboundRequest(method: "GET", url: "ftp://127.0.0.1/x")))
        #expect(scheme.kind == .invalidURL)
        #expect(scheme.description.contains("ftp"), "\(scheme)")
        let userInfo = try #require(await failure(OutboundRequest(method: "GET", url: "http://warden:\(Self.token)@127.0.0.1:9/x")))
        #expect(userInfo.kind == .invalidURL, "\(userInfo)")
        let query = try #require(await failure(OutboundRequest(method: "GET", url: "http://?token=\(Self.token)")))
        #expect(query.kind == .invalidURL, "\(query)")
    }

    @Test func aHeaderWithALineBreakIsNotSent() async throws {
        let error = try #require(await failure(OutboundRequest(method: "GET", url: "http://127.0.0.1:9/x",
                                                               headers: [("Authorization", "Bearer \(Self.token)\r\nX-Evil: 1")])))
        #expect(error.kind == .invalidRequest, "\(error)")
        #expect(error.description.contains("Authorization"), "\(error)")
    }

    @Test func cancellingTheTaskEndsTheRequest() async throws {
        let silent = try SilentListener()
        let (client, port) = (self.client, silent.port)
        let task = Task {
            try await client.send(OutboundRequest(method: "GET", url: "http://127.0.0.1:\(port)/", deadline: .seconds(60)))
        }
        // Whether it is cancelled before it connects or while it waits for the answer, it ends
        // at once as cancelled, not after its 60 s deadline.
        task.cancel()
        let result = await task.result
        guard case .failure(let error as OutboundError) = result else {
            Issue.record("expected a cancelled request, got \(result)")
            return
        }
        #expect(error.kind == .cancelled, "\(error)")
        withExtendedLifetime(silent) {}
    }
}
