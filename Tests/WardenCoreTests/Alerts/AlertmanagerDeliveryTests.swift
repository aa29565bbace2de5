import Foundation
import Testing
@testable import WardenCore

extension AlertsTests {
    @Suite("Alertmanager deliveries")
    struct AlertmanagerDeliveryTests {
        static func decode(_ text: String) throws(AlertmanagerDeliveryError) -> AlertmanagerDelivery {
            try AlertmanagerDelivery.decode(Array(text.utf8))
        }

        /// The body with `edit` applied to its JSON object, re-serialised.
        static func edited(_ text: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            edit(&object)
            return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }

        static func editedAlert(_ index: Int, _ edit: @escaping (inout [String: Any]) -> Void) throws -> String {
            try edited(AlertFixtures.firing) { object in
                var alerts = object["alerts"] as? [[String: Any]] ?? []
                edit(&alerts[index])
                object["alerts"] = alerts
            }
        }

        @Test func aDeliveryWrittenAsABodyDecodesAsItselfWithTheSameKey() throws {
            let fixture = try Self.decode(AlertFixtures.firing)
            #expect(try AlertmanagerDelivery.decode(fixture.body) == fixture)
            // What the alert service journals for alerts that resolved while silenced.
            let resolved = AlertmanagerDelivery(
                groupKey: "warden/resolved-while-silenced/20261203-0001", status: .resolved, externalURL: "http://127.0.0.1:9093",
                alerts: [AlertmanagerAlert(status: .resolved, labels: ["alertname": "X", "note": "a \"quoted\" \\ value\nnext, é"],
                                           startsAt: AlertTimestamp(seconds: 1_800_000_000, nanoseconds: 5), endsAt: AlertTimestamp(seconds: 1_800_000_060),
                                           fingerprint: "0123456789abcdef")])
            let decoded = try AlertmanagerDelivery.decode(resolved.body)
            #expect(decoded == resolved)
            #expect(decoded.deliveryKey == resolved.deliveryKey)
        }

        @Test func aFiringGroupDecodesAndUnknownKeysAreIgnored() throws {
            let delivery = try Self.decode(AlertFixtures.firing)
            #expect(delivery.version == "4")
            #expect(delivery.status == .firing)
            #expect(delivery.receiver == "warden")
            #expect(delivery.groupKey == #"{}/{severity="critical"}:{alertname="NodeDown", cluster="pegasus-a"}"#)
            #expect(delivery.groupLabels == ["alertname": "NodeDown", "cluster": "pegasus-a"])
            #expect(delivery.commonAnnotations.isEmpty)
            #expect(delivery.externalURL == "http://am:9093")
            #expect(delivery.alerts.count == 2)
            let first = delivery.alerts[0]
            #expect(first.fingerprint == "1a30ba71cca2921f")
            #expect(first.labels["node"] == "replica-1")
            #expect(first.annotations["runbook_url"] == "https://wiki/NodeDown")
            #expect(first.startsAt.nanoseconds == 123_456_789)
            #expect(first.startsAt.description == "2026-12-03T02:10:00.123456789Z")
            #expect(first.endsAt.isZero)
            #expect(first.occurrence == "1a30ba71cca2921f@2026-12-03T02:10:00.123456789Z")
            // An offset is the same instant in UTC; a firing alert's future endsAt is kept as sent.
            #expect(delivery.alerts[1].startsAt.description == "2026-12-03T02:11:00Z")
            #expect(delivery.alerts[1].status == .firing)
            #expect(!delivery.alerts[1].endsAt.isZero)
        }

        @Test func aResolvedGroupWithTruncatedAlertsDecodes() throws {
            let delivery = try Self.decode(AlertFixtures.resolved)
            #expect(delivery.status == .resolved)
            #expect(delivery.truncatedAlerts == 1)
            #expect(delivery.receiver == #"web\.hook"#)
            #expect(delivery.alerts.map(\.status) == [.resolved])
            #expect(delivery.alerts[0].endsAt.description == "2026-12-03T01:30:00.500000000Z")
        }

        @Test func problemsNameTheirField() throws {
            func problem(_ text: String) -> AlertmanagerDeliveryError? {
                do {
                    _ = try Self.decode(text)
                    return nil
                } catch {
                    return error
                }
            }
            #expect(problem("[]") == .notJSON)
            #expect(problem("{") == .notJSON)
            #expect(problem(try Self.edited(AlertFixtures.firing) { $0["version"] = "3" }) == .unsupportedVersion("3"))
            #expect(problem(try Self.edited(AlertFixtures.firing) { $0["version"] = 4 }) == .wrongType(path: "version", expected: "a string"))
            #expect(problem(try Self.edited(AlertFixtures.firing) { $0["groupKey"] = nil }) == .missingField(path: "groupKey"))
            #expect(problem(try Self.edited(AlertFixtures.firing) { $0["truncatedAlerts"] = "0" })
                == .wrongType(path: "truncatedAlerts", expected: "an integer"))
            #expect(problem(try Self.edited(AlertFixtures.firing) { $0["truncatedAlerts"] = -1 })?.path == "truncatedAlerts")
            #expect(problem(try Self.edited(AlertFixtures.firing) { $0["alerts"] = [:] as [String: Any] }) == .wrongType(path: "alerts", expected: "an array"))
            #expect(problem(try Self.edited(AlertFixtures.firing) { $0["status"] = "pending" }) == .badStatus(path: "status", value: "pending"))
            #expect(problem(try Self.editedAlert(1) { $0["fingerprint"] = nil }) == .missingField(path: "alerts[1].fingerprint"))
            #expect(problem(try Self.editedAlert(0) { $0["startsAt"] = "2026-13-03T02:10:00Z" })
                == .badTimestamp(path: "alerts[0].startsAt", value: "2026-13-03T02:10:00Z"))
            #expect(problem(try Self.editedAlert(0) { $0["endsAt"] = "yesterday" })?.path == "alerts[0].endsAt")
            #expect(problem(try Self.editedAlert(1) { $0["labels"] = ["node": 3] }) == .wrongType(path: "alerts[1].labels.node", expected: "a string"))
            #expect(problem(try Self.editedAlert(0) { $0["annotations"] = "none" })?.path == "alerts[0].annotations")
            #expect(problem(try Self.editedAlert(0) { $0["labels"] = ["node": String(repeating: "x", count: 2_000)] })
                == .tooLarge(path: "alerts[0].labels.node", limit: 1_024))
            // The message says the field too, for the 400 and the journal.
            #expect("\(AlertmanagerDeliveryError.missingField(path: "alerts[1].fingerprint"))" == "alerts[1].fingerprint: missing")
        }

        @Test func theNumberOfAlertsIsBounded() throws {
            var limits = AlertmanagerDelivery.Limits()
            limits.alerts = 1
            #expect(throws: AlertmanagerDeliveryError.tooLarge(path: "alerts", limit: 1)) {
                try AlertmanagerDelivery.decode(Array(AlertFixtures.firing.utf8), limits: limits)
            }
        }

        @Test func theDeliveryKeyCollapsesRetriesAndTwinsButNotChanges() throws {
            let original = try Self.decode(AlertFixtures.firing)
            // An HA peer's twin: alerts in another order, other annotations, another receiver name.
            var twin = original
            twin.alerts.reverse()
            twin.alerts[0].annotations["summary"] = "re-templated"
            twin.receiver = "warden-b"
            #expect(twin.deliveryKey == original.deliveryKey)
            #expect(original.deliveryKey.count == 64)

            var resolvedOne = original
            resolvedOne.alerts[0].status = .resolved
            var refired = original
            refired.alerts[0].startsAt = AlertTimestamp(seconds: refired.alerts[0].startsAt.seconds + 600)
            var truncated = original
            truncated.truncatedAlerts = 3
            var otherGroup = original
            otherGroup.groupKey += "x"
            let keys = [original, resolvedOne, refired, truncated, otherGroup].map(\.deliveryKey)
            #expect(Set(keys).count == 5)
        }

        @Test func timestampsParseRFC3339Only() {
            #expect(AlertTimestamp.parse("1970-01-01T00:00:00Z") == AlertTimestamp(seconds: 0))
            #expect(AlertTimestamp.parse("1970-01-01T01:00:00+01:00") == AlertTimestamp(seconds: 0))
            #expect(AlertTimestamp.parse("2024-02-29T12:00:00.5-00:30")?.description == "2024-02-29T12:30:00.500000000Z")
            #expect(AlertTimestamp.parse("0001-01-01T00:00:00Z")?.isZero == true)
            for bad in ["", "2023-02-29T00:00:00Z", "2026-12-03 02:10:00Z", "2026-12-03T24:00:00Z", "2026-12-03T02:10:00", "2026-12-03T02:10:00.Z",
                        "2026-12-03T02:10:00.1234567890Z", "2026-12-03T02:10:00+0200", "２026-12-03T02:10:00Z"] {
                #expect(AlertTimestamp.parse(bad) == nil, "\(bad)")
            }
        }
    }
}
