import Foundation
import WardenCore

extension JournalConformance {
    /// 2026-12-04T01:00:00Z and the night after: two occurrences of a nightly schedule.
    private static let night = 1_796_346_000.0
    private static let nextNight = night + 86_400

    private static func event(_ kind: ScheduleEventEntry.Kind, _ schedule: String = "nightly", at occurrence: Double?, actor: String = "warden",
                              run: String? = nil, planHash: String? = nil, detail: String? = nil) -> ScheduleEventDraft {
        ScheduleEventDraft(schedule: schedule, occurrence: occurrence, kind: kind, actor: actor, run: run, planHash: planHash, detail: detail)
    }

    static var schedules: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("schedule events are numbered in order and read back by schedule and by occurrence, each audited") { store in
                let journal = store.journal
                let registered = try await journal.appendScheduleEvent(event(.registered, at: nil), at: ConformanceSample.at(0))
                let claim = try await journal.appendScheduleEvents([event(.planned, at: night, planHash: "sha256:ab", detail: "{\"steps\":[]}"),
                                                                    event(.firing, at: night, run: "r1")], at: ConformanceSample.at(1))
                let weekly = try await journal.appendScheduleEvent(event(.firing, "weekly", at: night), at: ConformanceSample.at(2))
                let later = try await journal.appendScheduleEvents([event(.started, at: night, run: "r1"), event(.held, at: nextNight, detail: "approval"),
                                                                    event(.outcome, at: night, run: "r1", detail: "succeeded")], at: ConformanceSample.at(3))
                let all = [registered] + claim + [weekly] + later
                try requireEqual(all.map(\.sequence), Array(1...7), "the events' numbers")
                try requireEqual(try await store.reopen().scheduleEvents(), all, "the events as read back")
                try requireEqual(all[2].at, ConformanceSample.at(1).timeIntervalSince1970, "an event's time")
                try requireEqual(try await journal.scheduleEvents(from: 3, limit: 2).map(\.sequence), [3, 4], "a page of events")
                try requireEqual(try await journal.scheduleEvents(schedule: "nightly", occurrence: night).map(\.sequence), [2, 3, 5, 7],
                                 "one occurrence's events")
                try requireEqual(try await journal.scheduleEvents(schedule: "nightly").map(\.sequence), [1, 2, 3, 5, 6, 7], "the schedule's events")
                try requireEqual(try await journal.scheduleEvents(schedule: "weekly", occurrence: night), [weekly], "another schedule's occurrence")
                try requireEqual(try await journal.scheduleEvents(schedule: "hourly"), [], "a schedule with no events")

                let records = try await journal.auditRecords()
                try requireEqual(records.map(\.action), Array(repeating: .scheduleEvent, count: 7), "the audit records' actions")
                try requireEqual(records.map(\.status), all.map { Optional($0.kind.rawValue) }, "the audit records' statuses")
                try requireEqual(records.map(\.digest), all.map { Optional($0.digest) }, "the audit records' digests")
                try requireEqual(records[2].summary, "schedule nightly occurrence 2026-12-04T01:00:00Z: firing by warden run r1", "a firing's summary")
                try requireEqual(records[0].summary, "schedule nightly: registered by warden", "a summary without an occurrence")
                try requireEqual(ScheduleEventEntry.occurrenceText(night + 0.75), "2026-12-04T01:00:00Z", "an occurrence's text")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("a second firing or outcome of an occurrence is refused as already claimed, and nothing of its batch is kept") { store in
                let journal = store.journal
                let firing = try await journal.appendScheduleEvent(event(.firing, at: night, run: "r1"), at: ConformanceSample.at(0))
                // Another controller (or this daemon restarted) claims the same occurrence, in a batch whose first event is fine.
                let other = try await store.reopen()
                let refused = try await requireJournalError(.alreadyClaimed, "a second firing of the occurrence") {
                    try await other.appendScheduleEvents([event(.outcome, at: nextNight, detail: "skipped"), event(.firing, at: night, run: "r2")],
                                                         at: ConformanceSample.at(1))
                }
                for part in ["nightly@2026-12-04T01:00:00Z", "firing", "sequence 1"] {
                    try require(refused.description.contains(part), "the error names \(part): \(refused)")
                }
                try requireEqual(try await journal.scheduleEvents(), [firing], "the events after the refused batch")
                try requireEqual(try await journal.auditRecords().count, 1, "the audit records after the refused batch")

                let outcome = try await journal.appendScheduleEvent(event(.outcome, at: night, run: "r1", detail: "succeeded"), at: ConformanceSample.at(2))
                try requireEqual(outcome.sequence, 2, "numbered on after the refused batch")
                let again = try await requireJournalError(.alreadyClaimed, "a second outcome of the occurrence") {
                    try await journal.appendScheduleEvent(event(.outcome, at: night, detail: "failed"), at: ConformanceSample.at(3))
                }
                try require(again.description.contains("outcome") && again.description.contains("sequence 2"), "the error names the outcome: \(again)")
                try requireEqual(try await journal.scheduleEvents(), [firing, outcome], "the events")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("firings of other occurrences or schedules, and events without an occurrence, never collide") { store in
                let journal = store.journal
                let written = try await journal.appendScheduleEvents([
                    event(.firing, at: night), event(.firing, at: nextNight), event(.firing, "weekly", at: night),
                    event(.outcome, at: night), event(.outcome, "weekly", at: night),
                    event(.paused, at: nil, actor: "alice", detail: "maintenance"), event(.resumed, at: nil, actor: "alice"),
                    event(.paused, at: nil, actor: "bob"), event(.resumed, at: nil, actor: "bob"),
                    event(.held, at: nextNight, detail: "approval"), event(.held, at: nextNight, detail: "queued"),
                    event(.approved, at: nextNight, actor: "carol", planHash: "sha256:ab"), event(.approved, at: nextNight, actor: "dave", planHash: "sha256:ab"),
                ], at: ConformanceSample.at(0))
                try requireEqual(written.map(\.sequence), Array(1...13), "the events' numbers")
                try requireEqual(try await journal.scheduleEvents(), written, "the events as read back")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("verifyAudit catches a schedule event changed, or removed, behind the journal's back") { store in
                let journal = store.journal
                let original = try await journal.appendScheduleEvent(event(.firing, at: night, run: "r1"), at: ConformanceSample.at(0))
                _ = try await journal.appendScheduleEvent(event(.outcome, at: night, run: "r1", detail: "succeeded"), at: ConformanceSample.at(1))
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit before")
                var changed = original
                changed.occurrence = nextNight
                try await store.tampering.replace(changed)
                let edited = try await journal.verifyAudit()
                try require(edited?.reason.contains("schedule event 1") == true, "the changed event is named: \(String(describing: edited))")

                try await store.tampering.replace(original)
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit with the event put back")
                try await store.tampering.deleteScheduleEvent(2)
                let removed = try await journal.verifyAudit()
                try require(removed?.reason.contains("schedule events the journal no longer holds") == true, "the removed event: \(String(describing: removed))")
            },
        ]
    }
}
