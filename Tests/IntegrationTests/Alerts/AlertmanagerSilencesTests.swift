import Foundation
import Testing
import WardenServer
import WardenTesting

/// `AlertmanagerSilences` against Debian's real Alertmanager 0.25: a silence made, read back
/// through Alertmanager's own listing, expired, and expired again.
@Suite("Alertmanager silences")
struct AlertmanagerSilencesTests {
    /// What these tests wait for an answer: not the 10 s the daemon gives Alertmanager, which a
    /// loaded CI machine running the whole suite once exceeded (a listing answered in
    /// milliseconds alone took over 10 s there). The deadline itself is the outbound client's
    /// tests' to check.
    static let patient: Duration = .seconds(60)

    @Test func aSilenceIsMadeReadBackAndExpiredAndASecondExpireIsFine() async throws {
        let alertmanager = try await AlertmanagerProcess.started(receiverURL: "http://127.0.0.1:9/unused", token: "unused")
        let silences = try AlertmanagerSilences(baseURL: alertmanager.baseURL + "/", deadline: Self.patient)
        let matchers = [AlertmanagerMatcher(name: "alertname", value: "DiskFull"), AlertmanagerMatcher(name: "cluster", value: "c1")]
        let now = Date()
        let id = try await silences.create(matchers: matchers, startsAt: now, endsAt: now.addingTimeInterval(3600),
                                           createdBy: "warden", comment: "incident inc-7, run r-42: clearing disk")
        #expect(!id.isEmpty)

        let listed = try await alertmanager.silences()
        let silence = try #require(listed.first { $0.id == id }, "\(listed)")
        #expect(silence.state == "active")
        #expect(silence.createdBy == "warden")
        #expect(silence.comment == "incident inc-7, run r-42: clearing disk")
        #expect(Set(silence.matchers.map { "\($0.name)=\($0.value) regex:\($0.isRegex) equal:\($0.isEqual ?? true)" })
            == ["alertname=DiskFull regex:false equal:true", "cluster=c1 regex:false equal:true"])

        let read = try #require(try await silences.silence(id: id))
        #expect(read.state == .active)
        #expect(Set(read.matchers) == Set(matchers))
        #expect(abs(read.endsAt.timeIntervalSince(now.addingTimeInterval(3600))) < 0.001, "\(read.endsAt)")

        try await silences.expire(id: id)
        let expired = try #require(try await alertmanager.silences().first { $0.id == id })
        #expect(expired.state == "expired")
        #expect(try await silences.silence(id: id)?.state == .expired)

        try await silences.expire(id: id)
        #expect(try await silences.silence(id: UUID().uuidString.lowercased()) == nil, "an ID it never had")
        try await silences.expire(id: UUID().uuidString.lowercased())
        try await alertmanager.stop()
    }

    /// What the alert service asks once its silence is lifted: which of the incident's alerts
    /// still fire. Silenced ones do; a resolved one does not, though nobody was notified of it.
    @Test func firingAlertsListsTheMatchingOnesStillFiringSilencedOrNot() async throws {
        let alertmanager = try await AlertmanagerProcess.started(receiverURL: "http://127.0.0.1:9/unused", token: "unused")
        let silences = try AlertmanagerSilences(baseURL: alertmanager.baseURL, deadline: Self.patient)
        let quoted = #"say "hi" \ bye"#
        let first = TestAlert(labels: ["alertname": "Loop", "node": "h01", "note": quoted])
        let second = TestAlert(labels: ["alertname": "Loop", "node": "h02", "note": quoted])
        try await alertmanager.post(alerts: [first, second])
        let answer = try await alertmanager.client.get("/api/v2/alerts")
        let listed = try JSONSerialization.jsonObject(with: answer.body) as? [[String: Any]] ?? []
        func fingerprint(_ node: String) -> String? {
            listed.first { ($0["labels"] as? [String: String])?["node"] == node }?["fingerprint"] as? String
        }
        let h01 = try #require(fingerprint("h01"), "\(listed)")
        let matchers = [AlertmanagerMatcher(name: "alertname", value: "Loop"), AlertmanagerMatcher(name: "node", value: "h01"),
                        AlertmanagerMatcher(name: "note", value: quoted)]
        #expect(try await silences.firingAlerts(matching: matchers) == [h01])
        #expect(try await silences.firingAlerts(matching: [AlertmanagerMatcher(name: "node", value: "h0[12]", isRegex: true)]).count == 2)

        let now = Date()
        _ = try await silences.create(matchers: matchers, startsAt: now, endsAt: now.addingTimeInterval(600), createdBy: "warden", comment: "test")
        #expect(try await silences.firingAlerts(matching: matchers) == [h01], "a silenced alert still fires")
        try await alertmanager.post(alerts: [first.resolved()])
        #expect(try await silences.firingAlerts(matching: matchers).isEmpty, "a resolved alert is not listed")
        #expect(try await silences.firingAlerts(matching: [AlertmanagerMatcher(name: "alertname", value: "Loop")]).count == 1)
        try await alertmanager.stop()
    }

    @Test func aPendingSilenceStartsLater() async throws {
        let alertmanager = try await AlertmanagerProcess.started(receiverURL: "http://127.0.0.1:9/unused", token: "unused")
        let silences = try AlertmanagerSilences(baseURL: alertmanager.baseURL, deadline: Self.patient)
        let start = Date().addingTimeInterval(600)
        let id = try await silences.create(matchers: [AlertmanagerMatcher(name: "alertname", value: "Later")], startsAt: start,
                                           endsAt: start.addingTimeInterval(600), createdBy: "warden", comment: "later")
        #expect(try await silences.silence(id: id)?.state == .pending)
        try await silences.expire(id: id)
        #expect(try await silences.silence(id: id)?.state == .expired)
        try await alertmanager.stop()
    }

    @Test func whatAlertmanagerRefusesOrCannotBeReachedIsSaidWithItsURL() async throws {
        let alertmanager = try await AlertmanagerProcess.started(receiverURL: "http://127.0.0.1:9/unused", token: "unused")
        let silences = try AlertmanagerSilences(baseURL: alertmanager.baseURL, token: "wdn_never-in-a-message", deadline: Self.patient)
        let now = Date()
        // Ends before it starts: Alertmanager refuses it.
        do {
            _ = try await silences.create(matchers: [AlertmanagerMatcher(name: "alertname", value: "X")], startsAt: now,
                                          endsAt: now.addingTimeInterval(-60), createdBy: "warden", comment: "backwards")
            Issue.record("a silence that ends before it starts was accepted")
        } catch {
            #expect(error.kind == .rejected, "\(error)")
            #expect(error.description.hasPrefix("Alertmanager at \(alertmanager.baseURL): creating a silence (alertname=\"X\"): it answered 400"), "\(error)")
            #expect(!error.description.contains("wdn_never"), "\(error)")
        }
        try await alertmanager.stop()

        do {
            _ = try await silences.silence(id: "x")
            Issue.record("a stopped Alertmanager answered")
        } catch {
            #expect(error.kind == .unreachable, "\(error)")
            #expect(error.description.contains("Alertmanager at \(alertmanager.baseURL): reading silence x"), "\(error)")
            #expect(error.description.contains("is Alertmanager running"), "\(error)")
            #expect(!error.description.contains("wdn_never"), "\(error)")
        }
        #expect(throws: AlertmanagerError.self) { try AlertmanagerSilences(baseURL: "127.0.0.1:9093") }
    }
}
