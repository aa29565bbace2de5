import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// Approvals collected ahead of a scheduled window (`approve_ahead`): the
/// occurrence is planned hours before it, approvers answer during the day,
/// bound to the plan's hash; at fire time the same hash starts the run past
/// its gate, a changed plan holds the occurrence for a new approval, and no
/// approval by the last useful start ends it `not approved`.
@Suite("Schedules: approvals ahead")
struct ScheduleApprovalTests {
    typealias Routes = ScheduleRouteTests

    /// The gated, locked rebalance at 16:00 UTC, planned 12 h ahead, owned by oscar (an operator and approver).
    static var options: ServeHarness.Options {
        Routes.options(runbook: "rebalance", extra: "  approve_ahead: 12h\n  owner: oscar")
    }

    static let path = "/api/v1/schedules/nightly/occurrences/\(Routes.first)"

    static func planned(_ harness: ServeHarness) async throws -> String {
        try await harness.until("the occurrence is planned ahead") { try await Routes.record(harness)?.planHash != nil }
        return try #require(try await Routes.record(harness)?.planHash)
    }

    @Test func approvedAheadTheRunPassesItsGateAtOnceAndEndsSteady() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let hash = try await Self.planned(harness)
            let shown = try await api.get(Self.path)
            #expect(shown.code == 200, "\(shown)")
            #expect(shown.json["plan_hash"].string == hash && shown.json["plan"]["hash"].string == hash)
            #expect(shown.json["gates"][0]["step"].string == "go" && shown.json["gates"][0]["state"].string == "waiting")
            #expect(shown.json["held"].string == "waiting for approval of plan \(hash)")

            let owner = try await api.post(Self.path + "/approve", as: .operatorApprover, json: ["plan_hash": hash])
            #expect(owner.code == 403 && owner.message.contains("oscar owns schedule nightly"), "\(owner)")
            #expect(try await api.post(Self.path + "/approve", as: .operator, json: ["plan_hash": hash]).code == 403, "an operator is not an approver")
            let stale = try await api.post(Self.path + "/approve", as: .approver, json: ["plan_hash": "sha256:0"])
            #expect(stale.code == 409 && stale.message.contains("its plan is now \(hash)"), "\(stale)")
            let approved = try await api.post(Self.path + "/approve", as: .approver, json: ["plan_hash": hash, "comment": "quiet night ahead"])
            #expect(approved.code == 200, "\(approved)")
            #expect(approved.json["gates"][0]["state"].string == "approved" && approved.json["gates"][0]["approved_by"][0].string == "april")
            #expect(try await api.post(Self.path + "/approve", as: .approver, json: ["plan_hash": hash]).code == 409, "once")

            try Routes.advance(harness, to: Routes.first)
            guard case let .started(run) = try await Routes.outcome(harness) else {
                Issue.record("not started: \(try await Routes.record(harness)?.outcome?.description ?? "")")
                return
            }
            let ended = try await harness.finish(run)
            let timeline = try await harness.timeline(of: run)
            #expect(ended.status == .ended(.succeeded), "\(timeline)")
            #expect(ended.initiator == "oscar" && ended.planHash == hash)
            let approvals = try await harness.journal.approvals(of: run, step: "go")
            #expect(approvals.map(\.approver) == ["april"])
            #expect(approvals.first?.comment == "approved ahead for nightly@\(Routes.first): quiet night ahead")
            #expect(harness.transport.variable("level", on: "meta1") == "steady")
            #expect(timeline.contains { $0.contains("lively@meta1") }, "\(timeline)")
            #expect(try await harness.journal.verifyAudit() == nil)
        }
    }

    @Test func aPlanThatChangedHoldsTheOccurrenceUntilItsNewPlanIsApproved() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let first = try await Self.planned(harness)
            #expect(try await api.post(Self.path + "/approve", as: .approver, json: ["plan_hash": first]).code == 200)
            // Meanwhile the cluster's admin host moved: the plan the approver read is not the one that would run.
            let inventory = try String(contentsOfFile: harness.inventoryPath, encoding: .utf8)
            try inventory.replacingOccurrences(of: "meta1: {address: 127.0.0.1", with: "meta1: {address: 127.0.0.9")
                .write(toFile: harness.inventoryPath, atomically: true, encoding: .utf8)
            try Routes.advance(harness, to: Routes.first)
            do {
                try await harness.until("the occurrence is held for its new plan", limit: .seconds(20)) {
                    guard let record = try await Routes.record(harness) else { return false }
                    return record.planHash != first && record.held?.hasPrefix("the plan changed since it was approved") == true
                }
            } catch {
                let events = try await harness.journal.scheduleEvents().map { "\($0.kind) \($0.planHash ?? "") \($0.detail?.prefix(300) ?? "")" }
                throw WardenTestFailure("\(error): \(events) runs: \(try await harness.journal.runs().map { "\($0.id) \($0.status) \($0.reason ?? "")" })")
            }
            #expect(try await harness.journal.runs().filter { $0.status == .running }.isEmpty, "nothing runs on a plan nobody approved")
            let shown = try await api.get(Self.path)
            let second = try #require(shown.json["plan_hash"].string)
            #expect(second != first)
            #expect(shown.json["gates"][0]["state"].string == "waiting", "the approval of the old plan does not count: \(shown)")
            #expect(!shown.json["changes"].items.isEmpty, "the approver is shown what changed: \(shown)")
            #expect(try await api.post(Self.path + "/approve", as: .approver2, json: ["plan_hash": second]).code == 200)
            guard case let .started(run) = try await Routes.outcome(harness) else {
                Issue.record("not started: \(try await Routes.record(harness)?.outcome?.description ?? "")")
                return
            }
            #expect(try await harness.finish(run).planHash == second)
        }
    }

    @Test func withoutAnApprovalByItsLastUsefulStartItIsNotApproved() async throws {
        try await ServeHarness.with(Self.options) { harness, _ in
            let hash = try await Self.planned(harness)
            try Routes.advance(harness, to: Routes.first)
            try await harness.until("it waits at fire time") { try await Routes.record(harness)?.held?.contains("gate go: 0 of 1") == true }
            // The default catchup: the 1 h window less the runbook's cleanup reserve (6 m).
            try Routes.advance(harness, to: "2025-06-15T16:54:00Z")
            guard case let .notApproved(why) = try await Routes.outcome(harness) else {
                Issue.record("\(try await Routes.record(harness)?.outcome?.description ?? "")")
                return
            }
            #expect(why.hasPrefix("no approval of plan \(hash) by its last useful start (2025-06-15T16:54:00Z)"), "\(why)")
            #expect(try await harness.journal.runs().isEmpty)
        }
    }

    @Test func aDenialEndsTheOccurrenceAtItsTimeNamingWhoAndWhy() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            let hash = try await Self.planned(harness)
            #expect(try await api.post(Self.path + "/deny", as: .approver, json: ["plan_hash": hash, "comment": "sale tomorrow"]).code == 200)
            try Routes.advance(harness, to: Routes.first)
            #expect(try await Routes.outcome(harness) == .notApproved("denied by april: sale tomorrow"))
            #expect(try await harness.journal.runs().isEmpty)
        }
    }

    /// The `notify:` webhook hears that an occurrence needs approval, naming the schedule and occurrence.
    @Test func anOccurrenceThatNeedsApprovalReachesTheNotifyWebhook() async throws {
        let received = Mutex<[Data]>([])
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let body = Data(buffer: bytes)
            received.withLock { $0.append(body) }
            return .noContent
        }
        @Sendable func events() -> [[String: Any]] {
            received.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: $0) as? [String: Any]) ?? [:] }
        }
        var logger = Logger(label: "notify-receiver")
        logger.logLevel = .critical
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            var options = Self.options
            options.notify = [NotifyTarget(url: "http://127.0.0.1:\(port)/hook", events: ["occurrence-needs-approval", "occurrence-skipped"])]
            try await ServeHarness.with(options) { harness, api in
                _ = try await Self.planned(harness)
                try await harness.until("the notification arrives", limit: .seconds(30)) { received.withLock { !$0.isEmpty } }
                let event = try #require(events().first)
                #expect(event["event"] as? String == "occurrence-needs-approval")
                #expect(event["schedule"] as? String == "nightly" && event["occurrence"] as? String == Routes.first)
                #expect((event["summary"] as? String)?.contains("needs approval") == true, "\(event)")
                #expect(event["rule"] == nil && event["incident"] == nil)
                #expect(try await api.post("/api/v1/schedules/nightly/pause", json: ["reason": "vendor maintenance"]).code == 200)
                try Routes.advance(harness, to: Routes.first)
                try await harness.until("the skip is told", limit: .seconds(30)) { received.withLock { $0.count >= 2 } }
                #expect(events().last?["event"] as? String == "occurrence-skipped")
            }
        }
    }
}

extension ScheduleApprovalTests {
    /// Where the site policy requires signed approvals, none can be given ahead (the run they
    /// would be signed for does not exist yet): the refusal says so, and at its time the
    /// occurrence starts its run, which waits at its gate for signed approvals like any run.
    @Test func withSignedApprovalsRequiredTheRunWaitsAtItsGateForThem() async throws {
        var options = Self.options
        options.policy.requireSignatures = true
        options.policy.allowedSigners = "/nonexistent/allowed_signers"
        try await ServeHarness.with(options) { harness, api in
            let hash = try await Self.planned(harness)
            let refused = try await api.post(Self.path + "/approve", as: .approver, json: ["plan_hash": hash])
            #expect(refused.code == 409 && refused.message.contains("approve the run at its gate when the window opens"), "\(refused)")
            try Routes.advance(harness, to: Routes.first)
            guard case let .started(run) = try await Routes.outcome(harness) else {
                Issue.record("not started: \(try await Routes.record(harness)?.outcome?.description ?? "")")
                return
            }
            try await harness.awaitGate(of: run)
            #expect(try await harness.journal.approvals(of: run, step: "go").isEmpty)
        }
    }

    /// A paused schedule's next occurrence is not dry-run against the hosts nor put to approvers.
    @Test func aPausedScheduleIsNotPlannedAhead() async throws {
        try await ServeHarness.with(Routes.options(runbook: "rebalance", extra: "  approve_ahead: 30m\n  owner: oscar")) { harness, api in
            try await Routes.registered(harness)
            #expect(try await api.post("/api/v1/schedules/nightly/pause", json: ["reason": "migration"]).code == 200)
            try Routes.advance(harness, to: "2025-06-15T15:40:00Z")
            for _ in 0..<300 { await Task.yield() }
            #expect(try await Routes.record(harness)?.planned == nil)
            #expect(harness.transport.commands(receivedBy: "meta1").isEmpty, "nothing reached a host")
            try Routes.advance(harness, to: Routes.first)
            #expect(try await Routes.outcome(harness) == .paused("by olga: migration"))
        }
    }
}
