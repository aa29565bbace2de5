import Foundation
import WardenCore

extension JournalConformance {
    /// A delivery body that is not UTF-8 (a body is kept byte for byte, garbage included).
    private static let rawBody: [UInt8] = Array(#"{"version":"4","alerts":[]}"#.utf8) + [0xFF, 0x00, 0xC3]

    private static func key(_ cluster: String) -> IncidentKey { IncidentKey(rule: "node-down", labels: [("cluster", cluster)]) }

    static var alerts: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("alert inputs are numbered and kept byte for byte, undecided until their decisions are written with them") { store in
                let journal = store.journal
                let first = try await journal.appendAlertInput(.delivery, source: "alertmanager", body: rawBody, at: ConformanceSample.at(0))
                let second = try await journal.appendAlertInput(.runStarted, source: "warden", run: "r1", incident: "I1", detail: "approval",
                                                                at: ConformanceSample.at(1))
                try requireEqual([first.sequence, second.sequence], [1, 2], "the inputs' numbers")
                let read = try await store.reopen().alertInputs()
                try requireEqual(read, [first, second], "the inputs as read back")
                try requireEqual(read.first?.body, rawBody, "the raw body")
                try require(read.allSatisfy { $0.decidedAt == nil }, "undecided before their decisions: \(read)")

                let decisions: [AlertDecision] = [.attached(incident: "I1", key: key("a"), run: "r1"), .noRuleMatched]
                let written = try await journal.recordAlertDecisions(decisions, for: 1, at: ConformanceSample.at(2))
                try requireEqual(written.map(\.sequence), [1, 2], "the decisions' numbers")
                try requireEqual(written.map(\.kind), ["attached", "no-rule-matched"], "the decisions' kinds")
                try requireEqual(written.first?.incident, "I1", "the incident of the first")
                try requireEqual(written.first?.run, "r1", "the run of the first")
                let again = try await journal.recordAlertDecisions([.started(incident: "I1", key: key("a"), run: "r1", awaitingApproval: true)],
                                                                   for: 2, at: ConformanceSample.at(3))
                try requireEqual(again.map(\.sequence), [3], "numbered on")
                try requireEqual(try await store.reopen().alertDecisions(), written + again, "the decisions as read back")
                try requireEqual(try await journal.alertDecisions(from: 2, limit: 1).map(\.sequence), [2], "a page of decisions")
                try requireEqual(try await journal.alertInputs().map(\.decidedAt), [ConformanceSample.at(2).timeIntervalSince1970,
                                                                                  ConformanceSample.at(3).timeIntervalSince1970],
                                 "decided when their decisions were written")
                let actions = try await journal.auditRecords().map(\.action)
                try requireEqual(actions, [.alertInput, .alertInput, .alertDecision, .alertDecision, .alertDecision], "the audit records")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("an input is decided once: a second controller's decisions about it are refused, and nothing of them is kept") { store in
                let journal = store.journal
                _ = try await journal.appendAlertInput(.delivery, source: "alertmanager", body: rawBody, at: ConformanceSample.at(0))
                _ = try await journal.appendAlertInput(.delivery, source: "alertmanager", body: rawBody, at: ConformanceSample.at(1))
                try await journal.recordAlertDecisions([.noRuleMatched], for: 1, at: ConformanceSample.at(2))
                let other = try await store.reopen()
                do {
                    try await other.recordAlertDecisions([(2, [.noRuleMatched]), (1, [.noRuleMatched])], at: ConformanceSample.at(3))
                    throw ConformanceFailure("decisions about an input decided already were kept")
                } catch let error as JournalError {
                    try requireEqual(error.kind, .alreadyClaimed, "the refusal: \(error)")
                }
                try requireEqual(try await journal.alertDecisions().map(\.input), [1], "the decisions kept")
                try requireEqual(try await journal.alertInputs().map { $0.decidedAt != nil }, [true, false], "the inputs decided")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("decisions about an input no one journaled are refused, and nothing of them is kept") { store in
                let journal = store.journal
                do {
                    try await journal.recordAlertDecisions([.noRuleMatched], for: 7, at: ConformanceSample.at(0))
                    throw ConformanceFailure("decisions about input 7, which does not exist, were written")
                } catch is JournalError {}
                try requireEqual(try await journal.alertDecisions(), [], "the decisions")
                try requireEqual(try await journal.auditRecords(), [], "the audit log")
            },
            JournalConformanceCheck("verifyAudit catches an alert decision changed, or an alert input removed, behind the journal's back") { store in
                let journal = store.journal
                _ = try await journal.appendAlertInput(.delivery, source: "alertmanager", body: rawBody, at: ConformanceSample.at(0))
                _ = try await journal.appendAlertInput(.delivery, source: "alertmanager", body: rawBody, at: ConformanceSample.at(1))
                let original = try await journal.recordAlertDecisions([.noRuleMatched], for: 1, at: ConformanceSample.at(2))[0]
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit before")
                var decision = original
                decision.summary = "run r9 started for incident I1"
                try await store.tampering.replace(decision)
                let changed = try await journal.verifyAudit()
                try require(changed?.reason.contains("alert decision 1") == true, "the changed decision is named: \(String(describing: changed))")

                try await store.tampering.replace(original)
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit with the decision put back")
                try await store.tampering.deleteAlertInput(2)
                let removed = try await journal.verifyAudit()
                try require(removed?.reason.contains("alert inputs the journal no longer holds") == true, "the removed input: \(String(describing: removed))")
            },
        ]
    }
}
