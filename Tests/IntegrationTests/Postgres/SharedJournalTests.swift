import Foundation
import Testing
import WardenCore
import WardenPostgres
import WardenTesting

/// Several `warden serve` controllers sharing one journal in a real PostgreSQL server, against
/// the loopback fleet and the Pegasus test cluster: a run whose controller dies or freezes is
/// adopted by another, and the one it was taken from sends nothing more.
@Suite("Several controllers on PostgreSQL")
struct SharedJournalTests {
    /// Leases short enough that a takeover happens within seconds, long enough that a loaded
    /// machine still renews them in time (every 2 s).
    static let leases = """
        runs:
          lease: 6s
          adopt_after: 3s

        """

    /// `count` controllers on one fresh database: sites with the same inventories and tokens.
    static func controllers(_ count: Int, fleet: LoopbackFleet, postgres: TestPostgres, inventories: [String: String]) async throws
        -> (sites: [ServeSite], serves: [BackgroundServe], url: String) {
        let url = try await postgres.createDatabase()
        var sites: [ServeSite] = []
        var serves: [BackgroundServe] = []
        for _ in 0..<count {
            let site = try ServeSite(in: fleet, inventories: inventories, extra: leases)
            site.database = (url, postgres.passwordFile)
            try await site.addToken("alice", roles: ["operator"])
            try await site.addToken("bob", roles: ["approver"])
            sites.append(site)
            serves.append(try await site.start())
        }
        return (sites, serves, url)
    }

    /// Runs `body` with a PostgreSQL server of its own, stopped afterwards.
    static func withPostgres(_ body: (TestPostgres) async throws -> Void) async throws {
        let postgres = try await TestPostgres.start()
        do {
            try await body(postgres)
        } catch {
            try? await postgres.stop()
            throw error
        }
        try await postgres.stop()
    }

    /// Lets the Pegasus double's balancer drain, so the rebalance's wait ends.
    static func drain(_ pegasus: PegasusTestCluster) throws {
        try pegasus.edit { state in state["balance"] = ["move_pri": 0, "copy_pri": 0, "copy_sec": 0] }
    }

    /// The run once it has ended; on a timeout, its events and the controllers' logs.
    static func awaitEnd(_ runID: String, in journal: Journal, serves: [BackgroundServe], limit: Duration = .seconds(120)) async throws -> JournalRun {
        do {
            try await poll("run \(runID) ends", limit: limit) {
                if case .ended = try await journal.run(runID)?.status { return true }
                return false
            }
        } catch {
            let events = try await journal.events(of: runID).map { "\($0.sequence) \($0.kind.rawValue) \($0.step ?? "") \($0.host ?? "") \($0.detail ?? "")" }
            Issue.record("events:\n\(events.joined(separator: "\n"))\nlogs:\n\(serves.map(\.output).joined(separator: "\n---\n"))")
            throw error
        }
        return try #require(try await journal.run(runID))
    }

    /// SIGTERM to each controller still running: each must exit 0.
    static func terminate(_ serves: [BackgroundServe]) async throws {
        for serve in serves where !serve.hasEnded {
            let (status, log) = try await serve.terminate()
            #expect(status == 0, "\(log)")
        }
    }

    static func journal(_ url: String, _ postgres: TestPostgres) async throws -> Journal {
        try await JournalLocation(url).open(folder: FileManager.default.temporaryDirectory.path, passwordFile: postgres.passwordFile)
    }

    /// Starts the rebalance on the first controller, approves it, and returns once it has set
    /// `lively` and waits for the balancer (which the test drains when it wants the run to end).
    static func rebalanceWaiting(on site: ServeSite, journal: Journal, pegasus: PegasusTestCluster) async throws -> String {
        let runID = try await site.api("alice").planAndStart("pegasus-rebalance", inventory: "pegasus", params: rebalanceParams())
        try await site.api("bob").awaitGate(of: runID)
        let approved = try await site.api("bob").post("/api/v1/runs/\(runID)/approvals", json: ["decision": "approve"])
        #expect(approved.status == 201, "\(approved)")
        _ = try await awaitRun(in: journal, "lively set and the balance wait begun", limit: .seconds(120)) { run, events in
            run.id == runID && events.contains { $0.step == "balanced" && $0.kind == .stepStarted }
        }
        return runID
    }

    @Test func aRunWhoseControllerWasKilledIsAdoptedByAnotherAndEndsSteadyHavingGoneLivelyOnce() async throws {
        try await Self.withPostgres { postgres in try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--pending-moves", "100000", "--balance-step", "1"])
            let (sites, serves, url) = try await Self.controllers(3, fleet: fleet, postgres: postgres, inventories: ["pegasus": pegasus.inventoryPath])
            let journal = try await Self.journal(url, postgres)
            let runID = try await Self.rebalanceWaiting(on: sites[0], journal: journal, pegasus: pegasus)
            let held = try #require(try await journal.run(runID))
            #expect(held.epoch == 1 && held.leaseUntil != nil)
            // Every controller lists the three, alive, and which carries the run.
            try await sites[0].addToken("vera", roles: ["viewer"])
            let listed = try await sites[0].api("vera").get("/api/v1/controllers").json()
            let controllers = listed["controllers"] as? [[String: Any]] ?? []
            #expect(controllers.count == 3 && controllers.allSatisfy { $0["state"] as? String == "alive" }, "\(listed)")
            let carrier = controllers.first { ($0["runs"] as? [[String: Any]] ?? []).contains { $0["run_id"] as? String == runID } }
            #expect(carrier?["id"] as? String == held.controller && listed["this"] as? String == held.controller, "\(listed)")

            let killedAt = ContinuousClock.now
            _ = try await serves[0].crash()
            var adopter = ""
            try await poll("run \(runID) adopted by another controller", limit: .seconds(60)) {
                let run = try await journal.run(runID)
                adopter = run?.controller ?? ""
                return (run?.epoch ?? 0) >= 2
            }
            let tookOver = ContinuousClock.now - killedAt
            #expect(tookOver < .seconds(6 + 3 + 10), "adopted within lease + grace (+ a reaper round and slack): \(tookOver)")
            #expect(adopter != held.controller)

            try Self.drain(pegasus)
            let run = try await Self.awaitEnd(runID, in: journal, serves: serves)
            #expect(run.status == .ended(.succeeded), "\(run.reason ?? ""); logs:\n\(serves[1].output)\n\(serves[2].output)")
            #expect(pegasus.metaLevel == "steady")
            #expect(pegasus.levelsSet.filter { $0 == "lively" }.count == 1, "\(pegasus.commands)")
            #expect(pegasus.levelsSet.last == "steady", "\(pegasus.commands)")
            let takeovers = try await journal.auditRecords().filter { $0.action == .runAdopted && $0.runID == runID }
            #expect(takeovers.count == 1, "one takeover, by one of the two live controllers: \(takeovers)")
            #expect(takeovers.first?.summary?.contains("from \(held.controller) at epoch 1") == true, "\(takeovers)")
            #expect(try await journal.verifyAudit() == nil)
            let shown = try await warden(["controllers", "--state", url, "--output", "json"], environment: ["WARDEN_STATE_PASSWORD_FILE": postgres.passwordFile])
            #expect(shown.status == 0 && shown.stdout.contains(adopter), "\(shown.stdout)\(shown.stderr)")
            try await Self.terminate(serves)
        } }
    }

    @Test func aControllerPausedPastItsLeaseLosesItsRunAndSendsNothingMoreWhenItWakes() async throws {
        try await Self.withPostgres { postgres in try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--pending-moves", "100000", "--balance-step", "1"])
            let (sites, serves, url) = try await Self.controllers(3, fleet: fleet, postgres: postgres, inventories: ["pegasus": pegasus.inventoryPath])
            let journal = try await Self.journal(url, postgres)
            let runID = try await Self.rebalanceWaiting(on: sites[0], journal: journal, pegasus: pegasus)

            serves[0].signal(SIGSTOP)
            try await poll("run \(runID) adopted while its controller is paused", limit: .seconds(60)) {
                (try await journal.run(runID)?.epoch ?? 0) >= 2
            }
            try Self.drain(pegasus)
            let ended = try await Self.awaitEnd(runID, in: journal, serves: serves)
            #expect(ended.status == .ended(.succeeded), "\(ended.reason ?? "")")
            let host = try #require(fleet.hosts.first)
            let before = fleet.commands(receivedBy: host)
            let eventsBefore = try await journal.events(of: runID)

            serves[0].signal(SIGCONT)
            try await serves[0].waitForOutput(containing: "lost a run to another controller", limit: .seconds(60))
            // Whatever it would still have sent (its next poll of the balancer, its cleanup) it did not.
            try await Task.sleep(for: .seconds(2))
            let after = fleet.commands(receivedBy: host)
            #expect(after == before, "commands sent after the paused controller woke:\n\(after.dropFirst(before.count))")
            #expect(pegasus.levelsSet.filter { $0 == "lively" }.count == 1 && pegasus.levelsSet.last == "steady", "\(pegasus.commands)")
            // Nor did it write anything more to the run, which its new controller finished.
            #expect(try await journal.events(of: runID) == eventsBefore)
            #expect(try await journal.run(runID)?.status == .ended(.succeeded))
            #expect(try await journal.verifyAudit() == nil)
            try await Self.terminate(serves)
        } }
    }

    /// The work queue and stops across controllers: a run asked of a full controller with
    /// `"queue": true` is claimed and started by another (woken by the database), and a cancel
    /// sent to a controller that does not carry the run stops it where it runs, cleanup included
    /// (Rundeck's cluster cannot kill a run on another server, rundeck#3993).
    @Test func aRunQueuedAtAFullControllerStartsOnAnotherAndACancelSentAnywhereStopsTheRunWhereItRuns() async throws {
        try await Self.withPostgres { postgres in try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--pending-moves", "100000", "--balance-step", "1"])
            let url = try await postgres.createDatabase()
            var sites: [ServeSite] = []
            var serves: [BackgroundServe] = []
            for index in 0..<3 {
                // The first carries one run at most.
                let site = try ServeSite(in: fleet, inventories: ["pegasus": pegasus.inventoryPath],
                                         extra: index == 0 ? Self.leases.replacingOccurrences(of: "runs:\n", with: "runs:\n  max_active: 1\n") : Self.leases)
                site.database = (url, postgres.passwordFile)
                try await site.addToken("alice", roles: ["operator"])
                try await site.addToken("bob", roles: ["approver"])
                sites.append(site)
                serves.append(try await site.start())
            }
            let journal = try await Self.journal(url, postgres)
            let rebalance = try await Self.rebalanceWaiting(on: sites[0], journal: journal, pegasus: pegasus)
            let full = try #require(try await journal.run(rebalance)?.controller)

            let body: [String: Any] = ["runbook": "pegasus-inspect", "inventory": "pegasus"]
            let plan = try await sites[0].api("alice").post("/api/v1/plans", json: body)
            let hash = try #require(try plan.json()["hash"] as? String, "\(plan)")
            #expect(try await sites[0].api("alice").post("/api/v1/runs", json: body.merging(["plan_hash": hash]) { $1 }).status == 429,
                    "not asked to queue, a full controller refuses as before")
            let queued = try await sites[0].api("alice").post("/api/v1/runs", json: body.merging(["plan_hash": hash, "queue": true]) { $1 })
            #expect(queued.status == 202, "\(queued)")
            let item = try #require(try queued.json()["item"] as? String, "\(queued)")
            var started: WorkItem?
            try await poll("the queued run is started by another controller", limit: .seconds(60)) {
                started = try await journal.workItem(item)
                return started?.state == .started
            }
            let inspection = try #require(started?.runID)
            #expect(started?.claimedBy != full && started?.attempts == 1, "\(String(describing: started))")
            let inspected = try await Self.awaitEnd(inspection, in: journal, serves: serves)
            #expect(inspected.controller == started?.claimedBy && inspected.initiator == "alice" && inspected.trigger == .api, "\(inspected)")

            // A cancel sent to a controller that does not carry the rebalance.
            let elsewhere = try await sites[2].api("alice").post("/api/v1/runs/\(rebalance)/cancel", json: ["reason": "wrong window"])
            #expect(elsewhere.status == 202, "\(elsewhere)")
            let answer = try elsewhere.json()
            #expect(answer["status"] as? String == "stop requested" && answer["carrier"] as? String == full, "\(answer)")
            let stopped = try await Self.awaitEnd(rebalance, in: journal, serves: serves)
            #expect(stopped.status != .ended(.succeeded) && stopped.reason?.hasPrefix("cancelled by alice: wrong window") == true, "\(stopped)")
            #expect(stopped.controller == full, "stopped by its own controller: \(stopped.controller)")
            #expect(pegasus.levelsSet == ["lively", "steady"], "lively once, and the cleanup set it back: \(pegasus.commands)")
            #expect(pegasus.metaLevel == "steady")
            #expect(try await journal.verifyAudit() == nil)
            try await Self.terminate(serves)
        } }
    }

    @Test func aHundredDeliveriesSentToEachOfThreeControllersAreDecidedAsOneControllerWouldAndStartOneRun() async throws {
        try await Self.withPostgres { postgres in try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4"])
            let url = try await postgres.createDatabase()
            var sites: [ServeSite] = []
            var serves: [BackgroundServe] = []
            for _ in 0..<3 {
                // The default duplicate window (a minute): the same notification sent to every controller is one.
                let rules = ServeLive.Alerts.rules.replacingOccurrences(of: "alerts: {duplicate_window: 0s}\n", with: "")
                let site = try ServeSite(in: fleet, inventories: ["pegasus": pegasus.inventoryPath], extra: Self.leases + rules)
                site.database = (url, postgres.passwordFile)
                try await site.addToken("alertmanager", roles: ["alerts"])
                sites.append(site)
                serves.append(try await site.start())
            }
            let count = 100
            let receivers = sites.map { $0.api("alertmanager") }
            for index in 0..<count {
                // The same notification to every controller at once, as Alertmanagers in HA (or a load balancer) may send it.
                let answers = try await withThrowingTaskGroup(of: TestHTTPResponse.self) { group in
                    for receiver in receivers {
                        group.addTask {
                            try await receiver.post("/api/v1/alerts/alertmanager", json: ServeLive.Alerts.delivery(node: "127.0.0.1:34802", index: index))
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for answer in answers { #expect(answer.status == 202, "\(answer)") }
            }
            let journal = try await Self.journal(url, postgres)
            try await poll("every delivery decided", limit: .seconds(120)) {
                let inputs = try await journal.alertInputs().filter { $0.kind == .delivery }
                return inputs.count == 3 * count && inputs.allSatisfy { $0.decidedAt != nil }
            }
            let inputs = Set(try await journal.alertInputs().filter { $0.kind == .delivery }.map(\.sequence))
            let decisions = try await journal.alertDecisions().filter { inputs.contains($0.input) }
            let kinds = Dictionary(grouping: decisions, by: \.kind).mapValues(\.count)
            #expect(kinds["start"] == 1 && kinds["attached"] == count - 1 && kinds["duplicate"] == 2 * count, "\(kinds)")
            #expect(Dictionary(grouping: decisions, by: \.input).values.allSatisfy { $0.count == 1 }, "each input decided once")
            try await poll("the incident's run started", limit: .seconds(120)) {
                try await journal.runs().contains { $0.trigger == .alert }
            }
            try await Task.sleep(for: .seconds(2))
            // Started once: an attempt refused by its plan (a probe that timed out on a loaded machine) is
            // journaled as a run that did not start, and the incident may then try again.
            let runs = try await journal.runs().filter { $0.trigger == .alert }
            var started: [JournalRun] = []
            for run in runs where try await !journal.events(of: run.id).contains(where: { $0.kind == .note && $0.detail?.hasPrefix("not started:") == true }) {
                started.append(run)
            }
            if started.count != 1 {
                let all = try await journal.alertDecisions().map { "\($0.input) \($0.kind) \($0.summary)" }
                Issue.record("runs: \(runs.map { "\($0.id) \($0.controller) \($0.status) \($0.reason ?? "")" })\ndecisions:\n\(all.suffix(20).joined(separator: "\n"))")
            }
            #expect(started.count == 1, "one run started, whichever controller started it: \(runs.map(\.id))")
            #expect(try await journal.verifyAudit() == nil)
            try await Self.terminate(serves)
        } }
    }

    @Test func aScheduledOccurrenceWithThreeControllersFiresOnceAndEndsSteady() async throws {
        try await Self.withPostgres { postgres in try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4"])
            let folder = fleet.directory.appendingPathComponent("site-runbooks").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try ServeLive.ServeScheduleTests.livelyThenSteady.write(toFile: folder + "/lively-then-steady.yaml", atomically: true, encoding: .utf8)
            let url = try await postgres.createDatabase()
            let id = "nudge"
            let start = ServeLive.ServeScheduleTests.nextMinute(atLeast: 20)
            let schedule = ServeLive.ServeScheduleTests.schedules("""
                - id: \(id)
                  runbook: pegasus-lively-then-steady
                  inventory: pegasus
                  cron: "\(ServeLive.ServeScheduleTests.cron(at: start))"
                  timezone: UTC
                  duration: 180s
                """)
            var serves: [BackgroundServe] = []
            for _ in 0..<3 {
                let site = try ServeSite(in: fleet.directory.path, inventories: ["pegasus": pegasus.inventoryPath], runbooks: [folder],
                                         extra: Self.leases + schedule)
                site.database = (url, postgres.passwordFile)
                try await site.addToken("vera", roles: ["viewer"])
                serves.append(try await site.start())
            }
            let journal = try await Self.journal(url, postgres)
            let occurrence = start.timeIntervalSince1970
            try await poll("occurrence \(start) fired and its run ended", limit: .seconds(150)) {
                let events = try await journal.scheduleEvents(schedule: id, occurrence: occurrence)
                guard let run = events.first(where: { $0.kind == .started })?.run else { return false }
                if case .ended = try await journal.run(run)?.status { return true }
                return false
            }
            // A moment for a late claim by a slower controller, which must be refused.
            try await Task.sleep(for: .seconds(3))
            let events = try await journal.scheduleEvents(schedule: id, occurrence: occurrence)
            #expect(events.filter { $0.kind == .firing }.count == 1, "\(events.map { "\($0.kind.rawValue) by \($0.actor)" })")
            #expect(events.filter { $0.kind == .started }.count == 1, "\(events.map(\.kind))")
            let runs = try await journal.runs().filter { $0.trigger == .schedule }
            #expect(runs.count == 1 && runs.first?.status == .ended(.succeeded), "\(runs)")
            #expect(pegasus.levelsSet == ["lively", "steady"], "\(pegasus.commands)")
            #expect(try await journal.verifyAudit() == nil)
            try await Self.terminate(serves)
        } }
    }

    @Test func postgresRestartedMidRunLosesNothingAndRepeatsNothing() async throws {
        try await Self.withPostgres { postgres in try await withFleet(hosts: 1, logCommands: true) { fleet in
            let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--pending-moves", "100000", "--balance-step", "1"])
            let (sites, serves, url) = try await Self.controllers(2, fleet: fleet, postgres: postgres, inventories: ["pegasus": pegasus.inventoryPath])
            let journal = try await Self.journal(url, postgres)
            let runID = try await Self.rebalanceWaiting(on: sites[0], journal: journal, pegasus: pegasus)
            let before = try await journal.events(of: runID)

            // Down for five seconds: the controllers' writes wait for it (nothing is sent meanwhile), and
            // readiness says so within seconds.
            let restarted = Task { try await postgres.restart(downFor: .seconds(5)) }
            try await poll("readiness fails while the journal is down", limit: .seconds(20)) {
                (try? await sites[1].api(nil).get("/readyz", limit: .seconds(10)))?.status == 503
            }
            try await restarted.value
            var answer = ""
            do {
                try await poll("readiness is back", limit: .seconds(60)) {
                    let ready = try? await sites[1].api(nil).get("/readyz", limit: .seconds(10))
                    answer = ready.map { "\($0)" } ?? "no answer"
                    return ready?.status == 200
                }
            } catch {
                Issue.record("readyz said: \(answer)")
                throw error
            }
            try Self.drain(pegasus)
            let run = try await Self.awaitEnd(runID, in: journal, serves: serves)
            let logs = serves.map(\.output).joined(separator: "\n---\n")
            #expect(run.status == .ended(.succeeded), "\(run.reason ?? ""): \(logs)")
            let after = try await journal.events(of: runID)
            #expect(Array(after.prefix(before.count)) == before, "nothing journaled before the restart was lost")
            #expect(try await journal.verify(run: runID) == nil)
            #expect(try await journal.verifyAudit() == nil)
            #expect(pegasus.levelsSet.filter { $0 == "lively" }.count == 1 && pegasus.levelsSet.last == "steady", "\(pegasus.commands)")
            try await Self.terminate(serves)
        } }
    }

    @Test func theTerminalReadsTheSharedJournalAndRefusesAPasswordInItsAddress() async throws {
        try await Self.withPostgres { postgres in
            let url = try await postgres.createDatabase()
            let environment = ["WARDEN_STATE_PASSWORD_FILE": postgres.passwordFile]
            let listed = try await warden(["runs", "--state", url, "--output", "json"], environment: environment)
            #expect(listed.status == 0, "\(listed.stdout)\(listed.stderr)")
            let leaked = url.replacingOccurrences(of: "warden@", with: "warden:hunter2@")
            let refused = try await warden(["runs", "--state", leaked], environment: environment)
            #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("carries a password") && !refused.stderr.contains("hunter2"), "\(refused.stderr)")
            let viaEnvironment = try await warden(["runs"], environment: environment.merging(["WARDEN_STATE": url]) { $1 })
            #expect(viaEnvironment.status == 0, "\(viaEnvironment.stdout)\(viaEnvironment.stderr)")
            let wrong = try await warden(["runs", "--state", url], environment: ["WARDEN_STATE_PASSWORD": "wrong"])
            #expect(wrong.status != 0 && wrong.stderr.contains(postgres.url(database: "")), "\(wrong.stderr)")
        }
    }
}
