import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import WardenCore
import WardenTesting

/// Debian's real Alertmanager 0.25, configured by `AlertmanagerProcess` as an operator would
/// point it at `warden serve`, delivers a posted alert to a webhook (an in-process server
/// standing in for warden serve's receiver), with its bearer token, then its resolution.
@Suite("Alertmanager webhook")
struct AlertmanagerWebhookTests {
    /// One delivery the stand-in receiver got.
    struct Delivery: Sendable {
        let authorization: String?
        let body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
    }

    static let path = "/api/v1/alerts/alertmanager"

    /// Runs `body` with a receiver on a free loopback port: its URL and what it received so far.
    static func withReceiver<T: Sendable>(_ body: @Sendable (_ url: String, _ received: @Sendable () -> [Delivery]) async throws -> T) async throws -> T {
        let log = Mutex<[Delivery]>([])
        let router = Router()
        router.post(RouterPath(stringLiteral: path)) { request, _ -> HTTPResponse.Status in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            log.withLock { $0.append(Delivery(authorization: request.headers[.authorization], body: Data(buffer: bytes))) }
            return .ok
        }
        var logger = Logger(label: "alertmanager-receiver")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(.live) { client in
            guard let port = client.port else { throw WardenTestFailure("the live receiver has no port") }
            return try await body("http://127.0.0.1:\(port)\(path)") { log.withLock { $0 } }
        }
    }

    /// Polls (every 50 ms, up to `limit`) until a delivery satisfies `matches`: that delivery.
    static func awaitDelivery(_ received: @Sendable () -> [Delivery], from alertmanager: AlertmanagerProcess, limit: Duration = .seconds(90),
                              _ what: String, where matches: (Delivery) -> Bool) async throws -> Delivery {
        let clock = ContinuousClock()
        let giveUp = clock.now + limit
        while true {
            if let delivery = received().first(where: matches) { return delivery }
            guard clock.now < giveUp else {
                let bodies = received().map { String(decoding: $0.body, as: UTF8.self) }.joined(separator: "\n")
                throw WardenTestFailure("no \(what) within \(limit); received:\n\(bodies)\nalertmanager logged:\n\(alertmanager.output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func aPostedAlertIsDeliveredWithTheTokenThenItsResolution() async throws {
        let token = "wdn_alertmanager-receiver-token-5d1e"
        try await Self.withReceiver { url, received in
            let alertmanager = try await AlertmanagerProcess.started(receiverURL: url, token: token)
            let labels = ["alertname": "DiskFull", "cluster": "c1", "instance": "h01:9100", "severity": "page"]
            let alert = TestAlert(labels: labels, annotations: ["summary": "/data is 97% full"], startsAt: Date().addingTimeInterval(-30))
            try await alertmanager.post(alerts: [alert])

            let firing = try await Self.awaitDelivery(received, from: alertmanager, "firing delivery") { $0.json["status"] as? String == "firing" }
            #expect(firing.authorization == "Bearer \(token)")
            let json = firing.json
            #expect(json["version"] as? String == "4")
            #expect(json["receiver"] as? String == "warden")
            #expect(json["groupLabels"] as? [String: String] == ["alertname": "DiskFull", "cluster": "c1"])
            #expect(json["externalURL"] as? String == alertmanager.baseURL)
            let alerts = try #require(json["alerts"] as? [[String: Any]])
            #expect(alerts.count == 1)
            #expect(alerts.first?["labels"] as? [String: String] == labels)
            #expect(alerts.first?["status"] as? String == "firing")
            let fingerprint = try #require(alerts.first?["fingerprint"] as? String)
            #expect(fingerprint.count == 16, "\(fingerprint)")
            #expect(alerts.first?["endsAt"] as? String == "0001-01-01T00:00:00Z", "an alert with no end is sent with Go's zero time")

            // What warden serve's receiver decodes it with takes it as it is.
            let decoded = try AlertmanagerDelivery.decode(Array(firing.body))
            #expect(decoded.status == .firing)
            #expect(decoded.alerts.first?.fingerprint == fingerprint)
            #expect(decoded.alerts.first?.endsAt.isZero == true)

            try await alertmanager.post(alerts: [alert.resolved()])
            let resolved = try await Self.awaitDelivery(received, from: alertmanager, "resolved delivery") { $0.json["status"] as? String == "resolved" }
            let resolvedAlert = try #require((resolved.json["alerts"] as? [[String: Any]])?.first)
            #expect(resolvedAlert["status"] as? String == "resolved")
            #expect(resolvedAlert["fingerprint"] as? String == fingerprint)
            #expect(try AlertmanagerDelivery.decode(Array(resolved.body)).status == .resolved)
            try await alertmanager.stop()
        }
    }
}
