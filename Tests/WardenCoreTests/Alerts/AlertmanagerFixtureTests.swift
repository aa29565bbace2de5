import Foundation
import Testing
import WardenCore

/// Bodies a real Alertmanager 0.25 sent (`Fixtures/alertmanager`, whose README says how they
/// were made) decode as what they say: a firing and a resolved notification of one alert.
@Suite("Alertmanager 0.25 deliveries")
struct AlertmanagerFixtureTests {
    static func body(_ name: String) throws -> Data {
        guard let base = Bundle.module.resourceURL else { throw FixtureError(message: "no resource folder in the test bundle") }
        return try Data(contentsOf: base.appendingPathComponent("Fixtures/alertmanager/\(name)"))
    }

    @Test func theFiringAndTheResolvedDeliveryDecode() throws {
        let firing = try AlertmanagerDelivery.decode(Array(try Self.body("alertmanager-0.25-delivery.json")))
        #expect(firing.version == "4")
        #expect(firing.status == .firing)
        #expect(firing.receiver == "warden")
        #expect(firing.groupKey == #"{}:{alertname="DiskFull", cluster="c1"}"#)
        #expect(firing.groupLabels == ["alertname": "DiskFull", "cluster": "c1"])
        let alert = try #require(firing.alerts.first)
        #expect(firing.alerts.count == 1)
        #expect(alert.fingerprint == "4055251fdd15e656")
        #expect(alert.labels == ["alertname": "DiskFull", "cluster": "c1", "instance": "h01:9100", "severity": "page"])
        #expect(alert.endsAt.isZero)
        #expect(alert.startsAt.description == "2026-12-03T05:18:29.123000000Z")

        let resolved = try AlertmanagerDelivery.decode(Array(try Self.body("alertmanager-0.25-delivery-resolved.json")))
        #expect(resolved.status == .resolved)
        let ended = try #require(resolved.alerts.first)
        #expect(ended.status == .resolved)
        #expect(ended.occurrence == alert.occurrence, "the same occurrence: fingerprint and startsAt")
        #expect(ended.endsAt.description == "2026-12-03T05:19:09Z")
        #expect(resolved.deliveryKey != firing.deliveryKey)
    }
}
