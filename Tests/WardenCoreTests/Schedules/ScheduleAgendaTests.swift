import Foundation
import Testing
@testable import WardenCore

extension SchedulesTests {
    /// The scheduler's decision (`ScheduleAgenda`) over a journal's fold, at fixed instants: what is
    /// due, what was missed, what is planned ahead and when to look again. Nothing sleeps.
    @Suite("Schedule agenda")
    struct ScheduleAgendaTests {
        /// 02:00 Europe/Berlin daily, a 1 h window, catchup 50 m.
        static func nightly(ahead: Duration? = nil, cron: String = "0 2 * * *", zone: String = "Europe/Berlin") throws -> Schedule {
            try Schedule(id: "nightly", runbook: "rebalance", inventory: "lab", expressionText: cron, expression: ScheduleExpression.parse(cron),
                         timeZone: SchedulesTests.zone(zone), timeZoneName: zone, duration: .seconds(3600), catchup: .seconds(3000),
                         approveAhead: ahead)
        }

        /// A journal of `events` (schedule, occurrence, kind, detail), numbered in order.
        static func book(_ events: [(String?, ScheduleEventEntry.Kind, String?, String?)], at: String = "2026-06-01T00:00:00Z") throws -> ScheduleBook {
            let when = try utc(at).timeIntervalSince1970
            var entries: [ScheduleEventEntry] = []
            for (index, event) in events.enumerated() {
                entries.append(ScheduleEventEntry(sequence: index + 1, at: when + Double(index), schedule: "nightly",
                                                  occurrence: try event.0.map { try utc($0).timeIntervalSince1970 }, kind: event.1, actor: "warden",
                                                  run: event.1 == .started ? event.2 : nil, planHash: event.1 == .planned ? event.2 : nil, detail: event.3))
            }
            return ScheduleBook(entries)
        }

        @Test func aScheduleSeenForTheFirstTimeIsRegisteredAndOwesNothingEarlier() throws {
            let schedule = try Self.nightly()
            let now = try utc("2026-06-02T00:30:00Z")
            let (actions, _) = ScheduleAgenda.actions(for: schedule, book: ScheduleBook(), now: now, daemonStarted: now)
            #expect(actions == [.register])
        }

        @Test func anOccurrenceFiresAtItsStartAndNotBefore() throws {
            let schedule = try Self.nightly()
            let book = try Self.book([(nil, .registered, nil, nil)], at: "2026-06-01T08:00:00Z")
            // 02:00 in Berlin in June is 00:00 UTC.
            let before = ScheduleAgenda.actions(for: schedule, book: book, now: try utc("2026-06-01T23:59:00Z"), daemonStarted: try utc("2026-06-01T08:00:00Z"))
            #expect(before.actions.isEmpty)
            #expect(before.wake == (try utc("2026-06-02T00:00:00Z")), "it looks again exactly at the start")
            let at = ScheduleAgenda.actions(for: schedule, book: book, now: try utc("2026-06-02T00:00:01Z"), daemonStarted: try utc("2026-06-01T08:00:00Z"))
            #expect(at.actions == [.fire(try utc("2026-06-02T00:00:00Z"))])
            #expect(at.wake == (try utc("2026-06-02T00:50:00Z")), "and again at its last useful start")
        }

        @Test func anOccurrenceThatEndedIsNotFiredAgain() throws {
            let schedule = try Self.nightly()
            let book = try Self.book([(nil, .registered, nil, nil), ("2026-06-02T00:00:00Z", .firing, nil, nil),
                                      ("2026-06-02T00:00:00Z", .started, "R1", nil), ("2026-06-02T00:00:00Z", .outcome, "R1", "started")],
                                     at: "2026-06-01T08:00:00Z")
            let (actions, wake) = ScheduleAgenda.actions(for: schedule, book: book, now: try utc("2026-06-02T00:20:00Z"), daemonStarted: try utc("2026-06-02T00:10:00Z"))
            #expect(actions.isEmpty)
            #expect(wake == (try utc("2026-06-03T00:00:00Z")))
            #expect(book.occurrence("nightly", at: try utc("2026-06-02T00:00:00Z"))?.outcome == .started(run: "R1"))
        }

        @Test func aDaemonDownForDaysStartsOnlyTheLatestOccurrenceWithinItsCatchup() throws {
            let schedule = try Self.nightly()
            let book = try Self.book([(nil, .registered, nil, nil)], at: "2026-06-01T08:00:00Z")
            let started = try utc("2026-06-04T00:10:00Z")
            let (actions, _) = ScheduleAgenda.actions(for: schedule, book: book, now: started, daemonStarted: started)
            #expect(actions.count == 3)
            guard actions.count == 3, case let .end(first, .missed(why)) = actions[0], case let .end(second, .missed) = actions[1] else {
                Issue.record("\(actions)")
                return
            }
            #expect(first == (try utc("2026-06-02T00:00:00Z")))
            #expect(second == (try utc("2026-06-03T00:00:00Z")))
            #expect(why.contains("no daemon was running at its start") && why.contains("only the latest missed occurrence may start late"), "\(why)")
            #expect(actions[2] == .fire(try utc("2026-06-04T00:00:00Z")))
        }

        @Test func anOccurrencePastItsCatchupIsMissedNamingTheDaemonsAbsence() throws {
            let schedule = try Self.nightly()
            let book = try Self.book([(nil, .registered, nil, nil)], at: "2026-06-01T08:00:00Z")
            let started = try utc("2026-06-02T00:51:00Z")
            let (actions, _) = ScheduleAgenda.actions(for: schedule, book: book, now: started, daemonStarted: started)
            guard case let .end(start, .missed(why))? = actions.first, actions.count == 1 else {
                Issue.record("\(actions)")
                return
            }
            #expect(start == (try utc("2026-06-02T00:00:00Z")))
            #expect(why == "no daemon was running at its start (this one started at 2026-06-02T00:51:00Z); its catchup of 50m ended at 2026-06-02T00:50:00Z")
        }

        @Test func aHeldOccurrenceIsFiredAgainUntilItsLastUsefulStartThenExpires() throws {
            let schedule = try Self.nightly()
            let book = try Self.book([(nil, .registered, nil, nil), ("2026-06-02T00:00:00Z", .held, nil, "queued behind run R0, which is still going")],
                                     at: "2026-06-01T08:00:00Z")
            let daemon = try utc("2026-06-01T08:00:00Z")
            #expect(ScheduleAgenda.actions(for: schedule, book: book, now: try utc("2026-06-02T00:30:00Z"), daemonStarted: daemon).actions
                == [.fire(try utc("2026-06-02T00:00:00Z"))])
            #expect(ScheduleAgenda.actions(for: schedule, book: book, now: try utc("2026-06-02T00:50:00Z"), daemonStarted: daemon).actions
                == [.expire(try utc("2026-06-02T00:00:00Z"))])
        }

        @Test func approveAheadPlansTheNextOccurrenceThatLongBeforeItAndOnlyOnce() throws {
            let schedule = try Self.nightly(ahead: .seconds(12 * 3600))
            let daemon = try utc("2026-06-01T08:00:00Z")
            let registered = try Self.book([(nil, .registered, nil, nil)], at: "2026-06-01T08:00:00Z")
            let early = ScheduleAgenda.actions(for: schedule, book: registered, now: try utc("2026-06-01T11:00:00Z"), daemonStarted: daemon)
            #expect(early.actions.isEmpty)
            #expect(early.wake == (try utc("2026-06-01T12:00:00Z")), "it wakes to plan 12 h before 00:00 UTC")
            let due = ScheduleAgenda.actions(for: schedule, book: registered, now: try utc("2026-06-01T12:00:00Z"), daemonStarted: daemon)
            #expect(due.actions == [.planAhead(try utc("2026-06-02T00:00:00Z"))])
            let planned = try Self.book([(nil, .registered, nil, nil), ("2026-06-02T00:00:00Z", .planned, "sha256:a", "{}"),
                                         ("2026-06-02T00:00:00Z", .held, nil, "waiting for approval of plan sha256:a")], at: "2026-06-01T08:00:00Z")
            let later = ScheduleAgenda.actions(for: schedule, book: planned, now: try utc("2026-06-01T18:00:00Z"), daemonStarted: daemon)
            #expect(later.actions.isEmpty, "planned once: \(later.actions)")
            #expect(later.wake == (try utc("2026-06-02T00:00:00Z")))
            #expect(ScheduleAgenda.actions(for: schedule, book: planned, now: try utc("2026-06-02T00:00:00Z"), daemonStarted: daemon).actions
                == [.fire(try utc("2026-06-02T00:00:00Z"))])
        }

        @Test func springForwardFiresOnceAtTheFirstInstantAfterTheGap() throws {
            // 02:30 does not exist in Berlin on 2026-03-29: the clocks go from 02:00 to 03:00 (01:00 UTC).
            let schedule = try Self.nightly(cron: "30 2 * * *")
            let book = try Self.book([(nil, .registered, nil, nil)], at: "2026-03-28T12:00:00Z")
            let daemon = try utc("2026-03-28T12:00:00Z")
            let before = ScheduleAgenda.actions(for: schedule, book: book, now: try utc("2026-03-29T00:59:59Z"), daemonStarted: daemon)
            #expect(before.actions.isEmpty)
            #expect(before.wake == (try utc("2026-03-29T01:00:00Z")))
            #expect(ScheduleAgenda.actions(for: schedule, book: book, now: try utc("2026-03-29T01:00:00Z"), daemonStarted: daemon).actions
                == [.fire(try utc("2026-03-29T01:00:00Z"))])
        }

        @Test func fallBackFiresOnTheFirstPassOnly() throws {
            // 02:30 happens twice in Berlin on 2026-10-25: 00:30 UTC (summer time) and 01:30 UTC.
            let schedule = try Self.nightly(cron: "30 2 * * *")
            let daemon = try utc("2026-10-24T12:00:00Z")
            let book = try Self.book([(nil, .registered, nil, nil), ("2026-10-25T00:30:00Z", .firing, nil, nil), ("2026-10-25T00:30:00Z", .started, "R9", nil),
                                      ("2026-10-25T00:30:00Z", .outcome, "R9", "started")], at: "2026-10-24T12:00:00Z")
            let second = ScheduleAgenda.actions(for: schedule, book: book, now: try utc("2026-10-25T01:30:01Z"), daemonStarted: daemon)
            #expect(second.actions.isEmpty, "the repeated hour fires nothing: \(second.actions)")
            #expect(second.wake == (try utc("2026-10-26T01:30:00Z")), "next: 02:30 winter time")
        }

        @Test func outcomesReadBackAsTheyWereWritten() {
            let outcomes: [ScheduleOutcome] = [.started(run: "R1"), .skippedOverlap(run: "R0"), .missed("the daemon was down: a: b"), .skippedBlackout("freeze"),
                                               .notApproved("denied by ann"), .planBlocked("guard healthy failed"), .disabled, .paused("by bob: disk swap"),
                                               .startFailed("busy")]
            for outcome in outcomes {
                #expect(ScheduleOutcome(detail: outcome.detail, run: outcome.run) == outcome, "\(outcome)")
            }
            #expect(Set(outcomes.map(\.kind)) == Set(ScheduleOutcome.kinds))
            #expect(ScheduleOutcome.skippedOverlap(run: "R0").description == "skipped: overlap with R0")
        }

        @Test func occurrenceTimesReadAndWriteAsUTC() throws {
            let date = try utc("2026-12-04T01:30:00Z")
            #expect(OccurrenceRecord.text(date) == "2026-12-04T01:30:00Z")
            #expect(OccurrenceRecord.date("2026-12-04T01:30:00Z") == date)
            #expect(OccurrenceRecord.date("1796347800") == date)
            #expect(OccurrenceRecord.date("253402300799").map(OccurrenceRecord.text) == "9999-12-31T23:59:59Z")
            for bad in ["2026-12-04 01:30", "2026-13-04T01:30:00Z", "2026-12-04T24:00:00Z", "", "x@y", "2026-02-30T00:00:00Z",
                        // Seconds no RFC 3339 year can name: reading them once crashed the daemon (run-now).
                        "9223372036854775807", "-9223372036854775807", "253402300800"] {
                #expect(OccurrenceRecord.date(bad) == nil, "\(bad)")
            }
            #expect(LocalTime.text(date, in: try zone("Asia/Shanghai")) == "2026-12-04 09:30 +08:00")
            #expect(LocalTime.text(date, in: try zone("America/New_York")) == "2026-12-03 20:30 -05:00")
        }
    }
}
