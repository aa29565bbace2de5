import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// Scheduled maintenance windows in `warden serve`, in-process on the test
/// clock (it starts at 2025-06-15T15:06:40Z): occurrences fire once at their
/// start, across restarts at every point; approvals are collected ahead and
/// bound to the plan; overlap, catch-up, blackouts and pauses end occurrences
/// by rule, each with a recorded outcome.
@Suite("Schedules in warden serve")
struct ScheduleRouteTests {
    /// 16:00 UTC daily (or `cron`), a 1 h window.
    static func options(runbook: String = "inspect", cron: String = "0 16 * * *", extra: String = "", blackouts: String? = nil) -> ServeHarness.Options {
        var options = ServeHarness.Options()
        options.schedules = """
            - id: nightly
              runbook: \(runbook)
              inventory: lab
              cron: "\(cron)"
              timezone: UTC
              duration: 1h
            \(extra)
            """
        options.blackouts = blackouts
        // A run that outlives its window: its steps stop at the window's reserve, but its cleanup
        // always runs, and this one hangs for hours.
        options.runbooks["stuck"] = """
            name: stuck
            targets:
              meta: {hosts: meta1, exactly: 1}
            steps:
              - id: lively
                on: meta
                run: set_meta_level lively
                unguarded: a test
            finally:
              - id: drain
                on: meta
                run: drain
                timeout: 90m
            """
        return options
    }

    static func utc(_ text: String) throws -> Date {
        try #require(OccurrenceRecord.date(text))
    }

    static let first = "2025-06-15T16:00:00Z"

    static func book(_ harness: ServeHarness) async throws -> ScheduleBook {
        ScheduleBook(try await harness.journal.scheduleEvents())
    }

    static func record(_ harness: ServeHarness, _ start: String = first) async throws -> OccurrenceRecord? {
        try await book(harness).occurrence("nightly", at: utc(start))
    }

    /// Waits until the scheduler has seen the schedule (it owes nothing before that).
    static func registered(_ harness: ServeHarness) async throws {
        try await harness.until("the schedule is registered") { try await book(harness).registered["nightly"] != nil }
    }

    /// Moves the test clock to `text` (UTC).
    static func advance(_ harness: ServeHarness, to text: String) throws {
        let target = try utc(text)
        harness.clock.advance(by: .milliseconds(Int64((target.timeIntervalSince(harness.clock.now) * 1000).rounded())))
    }

    static func outcome(_ harness: ServeHarness, _ start: String = first) async throws -> ScheduleOutcome {
        do {
            try await harness.until("occurrence \(start) ends", limit: .seconds(30)) { try await record(harness, start)?.outcome != nil }
        } catch {
            let events = try await harness.journal.scheduleEvents().map { "\($0.kind) \(($0.occurrence).map { OccurrenceRecord.text(Date(timeIntervalSince1970: $0)) } ?? "-") \($0.detail ?? "")" }
            throw WardenTestFailure("\(error); the schedule events: \(events)")
        }
        return try #require(try await record(harness, start)?.outcome)
    }

    /// The restarted daemon's outcome for the first occurrence: a run started, the only run in the
    /// journal, under the one claim journaled for it. Returns the run.
    static func startedOnceUnderOneClaim(_ restarted: ServeHarness) async throws -> String {
        let outcome = try await outcome(restarted)
        guard case let .started(run) = outcome else { throw WardenTestFailure("not started: \(outcome)") }
        #expect(try await restarted.journal.runs().map(\.id) == [run])
        #expect(try await restarted.journal.scheduleEvents().filter { $0.kind == .firing }.count == 1, "started under the one claim")
        return run
    }

    @Test func anOccurrenceFiresOnceAtItsStartAndItsRunKeepsToItsWindow() async throws {
        try await ServeHarness.with(Self.options()) { harness, api in
            try await Self.registered(harness)
            try Self.advance(harness, to: "2025-06-15T15:59:59Z")
            for _ in 0..<200 { await Task.yield() }
            #expect(try await harness.journal.runs().isEmpty, "nothing before its start")
            try Self.advance(harness, to: Self.first)
            guard case let .started(run) = try await Self.outcome(harness) else {
                Issue.record("not started: \(try await Self.record(harness)?.outcome?.description ?? "")")
                return
            }
            let journaled = try #require(try await harness.journal.run(run))
            #expect(journaled.trigger == .schedule && journaled.initiator == "schedule:nightly")
            // The run's window is the occurrence's: 16:00 to 17:00 UTC, recorded in its plan for a resume.
            let plan = try JSONDecoder().decode(Plan.self, from: Data(try #require(journaled.plan).utf8))
            #expect(plan.window?.opens == (try Self.utc(Self.first)).timeIntervalSince1970)
            #expect(plan.window?.closes == (try Self.utc("2025-06-15T17:00:00Z")).timeIntervalSince1970)
            #expect(try await harness.timeline(of: run).contains { $0.contains("(schedule nightly occurrence 2025-06-15T16:00:00Z)") })

            // Later in the window nothing fires again.
            try Self.advance(harness, to: "2025-06-15T16:30:00Z")
            for _ in 0..<200 { await Task.yield() }
            #expect(try await harness.journal.runs().map(\.id) == [run])
            #expect(try await harness.journal.scheduleEvents().filter { $0.kind == .firing }.count == 1)

            let listed = try await api.get("/api/v1/schedules")
            #expect(listed.code == 200, "\(listed)")
            let schedule = listed.json["schedules"][0]
            #expect(schedule["id"].string == "nightly" && schedule["timezone"].string == "UTC")
            #expect(schedule["next"][0]["start"].string == "2025-06-16T16:00:00Z")
            #expect(schedule["next"].items.count == 5)
            #expect(schedule["last"]["outcome"].string == "started \(run)" && schedule["last"]["run"].string == run)
            let metrics = try await api.get("/metrics")
            #expect(metrics.text.contains("warden_schedule_occurrences_total{schedule=\"nightly\",outcome=\"started\"} 1"), "\(metrics.text)")
            #expect(metrics.text.contains("warden_schedule_lag_seconds_count{schedule=\"nightly\"} 1"))
            #expect(metrics.text.contains("warden_schedule_next_occurrence_timestamp_seconds{schedule=\"nightly\"} 1.7500896e+09")
                || metrics.text.contains("warden_schedule_next_occurrence_timestamp_seconds{schedule=\"nightly\"} 1750089600"), "\(metrics.text)")
            #expect(try await harness.journal.verifyAudit() == nil)
        }
    }

    /// The daemon dies before the occurrence is journaled: the next daemon fires it once.
    @Test func aDaemonKilledBeforeTheClaimFiresItOnceAfterItsRestart() async throws {
        try await ServeHarness.with(Self.options()) { harness, _ in
            try await Self.registered(harness)
            await harness.services.schedules.stop()
            try Self.advance(harness, to: "2025-06-15T16:05:00Z")
            let restarted = await harness.restarted()
            defer { Task { try? await restarted.shutdown() } }
            try await restarted.until("started") { try await Self.record(restarted)?.outcome?.run != nil }
            #expect(try await restarted.journal.runs().count == 1)
            #expect(try await restarted.journal.scheduleEvents().filter { $0.kind == .firing }.count == 1)
        }
    }

    /// Killed after the claim and before the run started: the next daemon starts it, once, under the same claim.
    @Test func aDaemonKilledAfterTheClaimStartsTheRunOnceUnderItsClaim() async throws {
        try await ServeHarness.with(Self.options()) { harness, _ in
            try await Self.registered(harness)
            await harness.services.schedules.stop()
            try Self.advance(harness, to: "2025-06-15T16:00:02Z")
            try await harness.journal.appendScheduleEvent(ScheduleEventDraft(schedule: "nightly", occurrence: try Self.utc(Self.first).timeIntervalSince1970,
                                                                             kind: .firing), at: harness.clock.now)
            let restarted = await harness.restarted()
            defer { Task { try? await restarted.shutdown() } }
            _ = try await Self.startedOnceUnderOneClaim(restarted)
        }
    }

    /// Killed after the run started and before that was journaled: the next daemon finds the run
    /// by the occurrence its request names, reports it, and starts nothing.
    @Test func aDaemonKilledAfterTheRunStartedReportsThatRunAndStartsNoOther() async throws {
        try await ServeHarness.with(Self.options()) { harness, _ in
            try await Self.registered(harness)
            await harness.services.schedules.stop()
            try Self.advance(harness, to: "2025-06-15T16:00:02Z")
            let start = try Self.utc(Self.first)
            try await harness.journal.appendScheduleEvent(ScheduleEventDraft(schedule: "nightly", occurrence: start.timeIntervalSince1970, kind: .firing),
                                                          at: harness.clock.now)
            // What the dead daemon did next: the run, asked for by the schedule's owner, naming the occurrence.
            let schedule = try #require(await harness.services.state.configuration.schedules.first)
            let request = try await harness.services.schedules.runRequest(
                schedule, start, window: .occurrence(DateInterval(start: start, duration: 3600), try #require(TimeZone(identifier: "UTC")), "UTC"),
                planHash: nil, identity: nil)
            let (run, _) = try await harness.services.dispatcher.start(request) { _ in nil }
            try await harness.finish(run)
            let restarted = await harness.restarted()
            defer { Task { try? await restarted.shutdown() } }
            #expect(try await Self.outcome(restarted) == .started(run: run))
            #expect(try await restarted.journal.runs().map(\.id) == [run])
        }
    }

    /// The daemon stops (a restart, an upgrade) while an occurrence's run is still being planned:
    /// the occurrence is not ended as failed but left to the next daemon, which starts it once.
    @Test func anOccurrenceMetByAShutdownIsStartedByTheNextDaemon() async throws {
        try await ServeHarness.with(Self.options(runbook: "restart")) { harness, _ in
            // The plan's probe takes 30 s (by the test clock): the shutdown comes in between.
            harness.transport.on(.equals("load"), host: "db1", reply: .after(.seconds(30), .success("{\"load\": 1}\n")))
            try await Self.registered(harness)
            try Self.advance(harness, to: Self.first)
            try await harness.transport.waitForCommand(.equals("load"), on: "db1", limit: .seconds(90))
            await harness.services.schedules.stop()
            let dispatcher = harness.services.dispatcher
            let drain = Task { await dispatcher.drain(grace: .zero) }
            try await harness.until("the daemon stops accepting") { await !dispatcher.isAccepting }
            harness.clock.advance(by: .seconds(30))
            await drain.value
            let stopping = "the daemon began stopping before its run started"
            try await harness.until("the occurrence is held for the next daemon, or ended") {
                let record = try await Self.record(harness)
                return record?.outcome != nil || record?.held?.hasPrefix(stopping) == true
            }
            let held = try await Self.record(harness)
            #expect(held?.outcome == nil, "ended: \(held?.outcome?.description ?? "")")
            #expect(held?.held?.hasPrefix(stopping) == true, "\(held?.held ?? "not held")")
            #expect(try await harness.journal.runs().isEmpty)

            harness.transport.on(.equals("load"), host: "db1", reply: .success("{\"load\": 1}\n"))
            let restarted = await harness.restarted()
            defer { Task { try? await restarted.shutdown() } }
            let run = try await Self.startedOnceUnderOneClaim(restarted)
            try await restarted.finish(run)
        }
    }

    /// The daemon was down through the occurrence and its catchup: it is missed, saying so, and told.
    @Test func anOccurrencePastItsCatchupWhileTheDaemonWasDownIsMissed() async throws {
        try await ServeHarness.with(Self.options()) { harness, _ in
            try await Self.registered(harness)
            await harness.services.schedules.stop()
            try Self.advance(harness, to: "2025-06-15T16:58:00Z")
            let restarted = await harness.restarted()
            defer { Task { try? await restarted.shutdown() } }
            guard case let .missed(why) = try await Self.outcome(restarted) else {
                Issue.record("\(try await Self.record(restarted)?.outcome?.description ?? "")")
                return
            }
            // The default catchup: the window (1 h) less the runbook's cleanup reserve (a tenth: 6 m).
            #expect(why == "no daemon was running at its start (this one started at 2025-06-15T16:58:00Z); its catchup of 54m ended at 2025-06-15T16:54:00Z")
            #expect(try await restarted.journal.runs().isEmpty)
        }
    }

    /// Waits until `run`'s cleanup hangs on its host: until the host has the command, not only until
    /// the journal says the step started. Its 90-minute timeout counts from the moment the command
    /// reaches the host, so a test that moved the clock in between (seen under load: the command
    /// arrived at 17:00, not 16:00) pushed the run's end past the next occurrence's catch-up.
    static func draining(_ harness: ServeHarness, _ run: String) async throws {
        try await harness.until("run \(run)'s cleanup step starts") { try await harness.journal.events(of: run).contains { $0.step == "drain" } }
        try await harness.transport.waitForCommand(.equals("drain"), on: "meta1", limit: .seconds(90))
    }

    @Test func anOverlappingOccurrenceIsSkippedNamingTheRunStillGoing() async throws {
        try await ServeHarness.with(Self.options(runbook: "stuck", cron: "0 16,17 * * *")) { harness, _ in
            harness.transport.on(.equals("drain"), host: "meta1", reply: .hang())
            try await Self.registered(harness)
            try Self.advance(harness, to: Self.first)
            guard case let .started(run) = try await Self.outcome(harness) else { return }
            try await Self.draining(harness, run)
            try Self.advance(harness, to: "2025-06-15T17:00:00Z")
            #expect(try await Self.outcome(harness, "2025-06-15T17:00:00Z") == .skippedOverlap(run: run))
            #expect(try await harness.journal.runs().map(\.id) == [run])
            try await harness.finish(run)
        }
    }

    @Test func aQueuedOccurrenceStartsWhenTheRunBeforeItEnds() async throws {
        try await ServeHarness.with(Self.options(runbook: "stuck", cron: "0 16,17 * * *", extra: "  overlap: queue_one")) { harness, api in
            harness.transport.on(.equals("drain"), host: "meta1", reply: .hang())
            try await Self.registered(harness)
            try Self.advance(harness, to: Self.first)
            guard case let .started(first) = try await Self.outcome(harness) else { return }
            try await Self.draining(harness, first)
            try Self.advance(harness, to: "2025-06-15T17:00:00Z")
            do {
                try await harness.until("the next occurrence waits in the queue", limit: .seconds(20)) {
                    try await Self.record(harness, "2025-06-15T17:00:00Z")?.held?.hasPrefix("queued behind run \(first)") == true
                }
            } catch {
                throw WardenTestFailure("\(error): \(try await harness.journal.scheduleEvents().map { "\($0.kind) \($0.occurrence ?? 0) \($0.detail ?? "")" })")
            }
            #expect(try await api.post("/api/v1/runs/\(first)/cancel", json: ["reason": "stuck"]).code == 202)
            try await harness.finish(first)
            guard case let .started(second) = try await Self.outcome(harness, "2025-06-15T17:00:00Z") else {
                Issue.record("\(try await Self.record(harness, "2025-06-15T17:00:00Z")?.outcome?.description ?? ""); now \(harness.clock.now); schedule events: \(try await harness.journal.scheduleEvents().map { "\($0.kind) \($0.occurrence ?? 0) \($0.detail ?? "")" }); run events: \(try await harness.journal.events(of: first).map { "\($0.kind) \($0.step ?? "") \(Date(timeIntervalSince1970: $0.at)) \($0.detail ?? "")" })")
                return
            }
            #expect(second != first)
            try await harness.finish(second)
        }
    }

    /// A full controller does not claim a due occurrence: a controller sharing the journal with room
    /// claims it (or this one, once a run ends), within the occurrence's catch-up.
    @Test func aFullControllerLeavesADueOccurrenceUnclaimedAndStartsItWhenARunEnds() async throws {
        var options = Self.options()
        options.maximumActiveRuns = 1
        try await ServeHarness.with(options) { harness, api in
            // The one run this controller carries: its cleanup hangs until the test ends it.
            harness.transport.on(.equals("drain"), host: "meta1", reply: .hang())
            try await Self.registered(harness)
            let stuck = try await api.start("stuck")
            try await Self.draining(harness, stuck)
            try Self.advance(harness, to: Self.first)
            try await harness.until("the occurrence waits for room, unclaimed", limit: .seconds(20)) {
                let record = try await Self.record(harness)
                return record?.held?.hasPrefix("no room on \(harness.options.controller)") == true && record?.firingAt == nil
            }
            #expect(try await harness.journal.runs().map(\.id) == [stuck])
            harness.transport.finishRunning(on: "meta1", with: .success())
            try await harness.finish(stuck)
            harness.clock.advance(by: .seconds(30))
            guard case let .started(run) = try await Self.outcome(harness) else {
                Issue.record("\(String(describing: try await Self.record(harness)))")
                return
            }
            #expect(run != stuck)
            try await harness.finish(run)
        }
    }

    @Test func anOccurrenceInABlackoutIsSkippedAndTheNextDayFires() async throws {
        let options = Self.options(blackouts: "- {name: freeze, from: 2025-06-15, to: 2025-06-15, reason: quarter close}")
        try await ServeHarness.with(options) { harness, api in
            try await Self.registered(harness)
            let listed = try await api.get("/api/v1/schedules")
            #expect(listed.json["schedules"][0]["next"][0]["blackout"].string == "freeze", "\(listed)")
            try Self.advance(harness, to: Self.first)
            #expect(try await Self.outcome(harness) == .skippedBlackout("freeze (2025-06-15 to 2025-06-15: quarter close)"))
            try Self.advance(harness, to: "2025-06-16T16:00:00Z")
            guard case .started = try await Self.outcome(harness, "2025-06-16T16:00:00Z") else {
                Issue.record("the day after the blackout did not start")
                return
            }
        }
    }

    @Test func aPausedScheduleSkipsItsOccurrencesUntilResumedAndTheAuditNamesWho() async throws {
        try await ServeHarness.with(Self.options()) { harness, api in
            try await Self.registered(harness)
            #expect(try await api.post("/api/v1/schedules/nightly/pause", as: .viewer, json: ["reason": "x"]).code == 403)
            #expect(try await api.post("/api/v1/schedules/nightly/pause", json: ["reason": " "]).code == 422)
            #expect(try await api.post("/api/v1/schedules/nope/pause", json: ["reason": "x"]).code == 404)
            let paused = try await api.post("/api/v1/schedules/nightly/pause", json: ["reason": "disk swap on meta1"])
            #expect(paused.code == 200, "\(paused)")
            #expect(paused.json["paused"]["by"].string == "olga" && paused.json["paused"]["reason"].string == "disk swap on meta1")
            #expect(try await api.post("/api/v1/schedules/nightly/pause", json: ["reason": "again"]).code == 409)
            try Self.advance(harness, to: Self.first)
            #expect(try await Self.outcome(harness) == .paused("by olga: disk swap on meta1"))
            #expect(try await api.post("/api/v1/schedules/nightly/resume").code == 200)
            try Self.advance(harness, to: "2025-06-16T16:00:00Z")
            guard case .started = try await Self.outcome(harness, "2025-06-16T16:00:00Z") else {
                Issue.record("not started after the resume")
                return
            }
            let audit = try await harness.journal.auditRecords()
            #expect(audit.contains { $0.action == .scheduleEvent && $0.status == "paused" && $0.actor == "olga" })
            #expect(try await harness.journal.verifyAudit() == nil)
        }
    }

    @Test func runNowStartsAnUpcomingOccurrenceOnceAndItsTimeFindsItDone() async throws {
        try await ServeHarness.with(Self.options()) { harness, api in
            try await Self.registered(harness)
            #expect(try await api.post("/api/v1/schedules/nightly/occurrences/2025-06-15T16:01:00Z/run-now").code == 404)
            #expect(try await api.post("/api/v1/schedules/nightly/occurrences/yesterday/run-now").code == 400)
            #expect(try await api.post("/api/v1/schedules/nightly/occurrences/9223372036854775807/run-now").code == 400, "no year names it")
            #expect(try await api.post("/api/v1/schedules/nightly/occurrences/\(Self.first)/run-now", as: .approver).code == 403)
            let started = try await api.post("/api/v1/schedules/nightly/occurrences/\(Self.first)/run-now")
            #expect(started.code == 202, "\(started)")
            let run = try #require(started.json["run"].string)
            let journaled = try #require(try await harness.journal.run(run))
            #expect(journaled.initiator == "olga" && journaled.trigger == .schedule)
            #expect(try await api.post("/api/v1/schedules/nightly/occurrences/\(Self.first)/run-now").code == 409, "once")
            try Self.advance(harness, to: "2025-06-15T16:10:00Z")
            for _ in 0..<200 { await Task.yield() }
            #expect(try await harness.journal.runs().map(\.id) == [run])
            #expect(try await Self.outcome(harness) == .started(run: run))
        }
    }
}

extension ScheduleRouteTests {
    /// A scheduled run adopted by the next daemon after its own died keeps to its occurrence's
    /// window (recorded in its plan), not to the runbook's all-day one: its steps stop at the
    /// occurrence's cleanup reserve and its cleanup runs inside the window.
    @Test func anAdoptedScheduledRunKeepsToItsOccurrencesWindow() async throws {
        var options = Self.options(runbook: "windowed")
        options.controller = ServeHarness.deadController
        options.runbooks["windowed"] = """
            name: windowed
            targets:
              meta: {hosts: meta1, exactly: 1}
            window: {between: "00:00-23:59", timezone: UTC}
            probes:
              never: {on: meta, run: never, parse: lines}
            steps:
              - id: lively
                on: meta
                run: set_meta_level lively
                unguarded: a test
              - id: balance
                wait: {probe: never, until: "false", every: 1m, timeout: window}
            finally:
              - id: steady
                on: meta
                run: set_meta_level steady
            """
        try await ServeHarness.with(options) { dead, _ in
            dead.transport.on(.equals("never"), host: "meta1", reply: .success("no\n"))
            try await Self.registered(dead)
            try Self.advance(dead, to: Self.first)
            guard case let .started(run) = try await Self.outcome(dead) else { return }
            // Journaled, not only done on the host: the next daemon reads a finished change, not one under way.
            try await dead.until("the run went lively") {
                try await dead.journal.events(of: run).contains { $0.kind == .stepFinished && $0.step == "lively" }
            }
            let harness = await dead.restarted()
            let adoptions = await harness.services.dispatcher.adoptOrphans(identity: RunIdentity(user: "warden", controller: OperatingSystemUser.controller))
            #expect(adoptions == [.resumed(run)], "\(adoptions)")
            let ended = try await harness.finish(run)
            let finished = try #require(ended.finishedAt)
            // The occurrence's window closes at 17:00 and keeps a tenth (6 m) for cleanup.
            #expect(finished < (try Self.utc("2025-06-15T16:55:00Z")).timeIntervalSince1970,
                    "ended at \(OccurrenceRecord.text(Date(timeIntervalSince1970: finished))): \(ended.reason ?? "")")
            #expect(ended.reason?.contains("window") == true, "\(ended.reason ?? "")")
            #expect(harness.transport.variable("level", on: "meta1") == "steady")
            try await harness.shutdown()
        }
    }
}
