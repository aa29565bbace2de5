import Foundation
import Testing
import WardenServer
import WardenTesting

/// The webhook notifier against a real server on loopback: what it posts, when it tries again
/// and what it returns for the caller to record.
@Suite("Webhook notifier")
struct WebhookNotifierTests {
    static let token = "wdn_webhook-test-secret-19c2"
    static let notification = WebhookNotification(event: .escalated, summary: "disk-full on c1: the runbook failed twice; over to you",
                                                  rule: "disk-full", incident: "inc-7", run: "r-42",
                                                  at: Date(timeIntervalSince1970: 1_780_000_000.25), url: "https://warden.example/incidents/inc-7")

    @Test func aNotificationIsPostedAsJSONWithTheToken() async throws {
        try await OutboundTestServer.with { port, received in
            let notifier = try WebhookNotifier(url: "http://127.0.0.1:\(port)/echo", token: Self.token)
            let result = await notifier.notify(Self.notification)
            #expect(result == .delivered(status: 200, attempts: 1), "\(result)")
            let request = try #require(received().first)
            #expect(request.authorization == "Bearer \(Self.token)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: String])
            #expect(object == ["event": "escalated", "summary": Self.notification.summary, "rule": "disk-full", "incident": "inc-7",
                               "run": "r-42", "at": "2026-05-28T20:26:40.250000000Z", "url": "https://warden.example/incidents/inc-7"])
            #expect(!request.body.contains(Self.token))
            let decoded = try JSONDecoder().decode(WebhookNotification.self, from: Data(request.body.utf8))
            #expect(decoded == Self.notification)
        }
    }

    @Test func optionalFieldsAreLeftOut() async throws {
        let bare = WebhookNotification(event: .waitingForApproval, summary: "s", rule: "r", incident: "i", at: Date(timeIntervalSince1970: 0))
        let json = String(decoding: try JSONEncoder().encode(bare), as: UTF8.self)
        #expect(!json.contains("run") && !json.contains("url") && !json.contains("null"), "\(json)")
        #expect(json.contains(#""at":"1970-01-01T00:00:00Z""#), "\(json)")
    }

    @Test func aServerErrorIsTriedOnceMore() async throws {
        try await OutboundTestServer.with { port, received in
            let notifier = try WebhookNotifier(url: "http://127.0.0.1:\(port)/flaky", retryBackoff: .milliseconds(20))
            let result = await notifier.notify(Self.notification)
            #expect(result == .delivered(status: 200, attempts: 2), "\(result)")
            #expect(received().count == 2)
        }
    }

    @Test func aRefusalIsNotTriedAgain() async throws {
        try await OutboundTestServer.with { port, received in
            let notifier = try WebhookNotifier(url: "http://127.0.0.1:\(port)/refuse", token: Self.token, retryBackoff: .milliseconds(20))
            let result = await notifier.notify(Self.notification)
            guard case .failed(let reason, let attempts) = result else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            #expect(attempts == 1)
            #expect(reason.contains("127.0.0.1:\(port) answered 400: no such channel"), "\(reason)")
            #expect(received().count == 1)
        }
    }

    @Test func aReceiverThatIsDownFailsAfterFourTriesNamingOnlyItsHostAndPort() async throws {
        let port = try TestHTTPClient.freePort()
        let secretPath = "/hooks/T0001/B0002/\(Self.token)"
        let notifier = try WebhookNotifier(url: "http://127.0.0.1:\(port)\(secretPath)?key=\(Self.token)", token: Self.token,
                                           retryBackoff: .milliseconds(20))
        let result = await notifier.notify(Self.notification)
        guard case .failed(let reason, let attempts) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(attempts == WebhookNotifier.maximumAttempts)
        #expect(reason.contains("127.0.0.1:\(port)"), "\(reason)")
        #expect(!reason.contains(Self.token) && !reason.contains("hooks"), "\(reason)")
        #expect(!result.description.contains(Self.token))
    }
}
