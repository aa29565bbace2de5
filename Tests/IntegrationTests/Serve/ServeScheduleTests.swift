import Foundation
import Testing
import WardenCore
import WardenTesting

extension ServeLive {
    /// Scheduled maintenance windows on the wall clock: `warden serve` (the built binary) with a
    /// schedule whose window opens at the next whole minute, on the loopback fleet and the Pegasus
    /// double. Each test waits for a minute boundary, so the suite is not serialized: the two run
    /// side by side (each with its own fleet, cluster and daemon) and the wait is paid once.
    @Suite("Schedules")
    struct ServeScheduleTests {
        /// The window's length: long enough for the rebalance on the double (seconds), short
        /// enough that "it ended inside its window" says something.
        static let window: TimeInterval = 180

        @Test func anOccurrenceApprovedAheadFiresAtItsStartAndEndsSteadyInsideItsWindow() async throws {
            try await withFleet(hosts: 1, logCommands: true) { fleet in
                // Three moves the balancer drains one per poll: the rebalance takes seconds, not its window.
                let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4", "--pending-moves", "3", "--balance-step", "1"])
                let site = try ServeSite(in: fleet, inventories: ["pegasus": pegasus.inventoryPath])
                // alice owns the schedule and may approve in general, so what refuses her is the owner rule, not her roles.
                try await site.addToken("alice", roles: ["operator", "approver"])
                try await site.addToken("bob", roles: ["approver"])
                let id = "rebalance-window"
                // Far enough ahead for the daemon to start, plan ahead over SSH, and the approval to be given.
                let start = Self.nextMinute(atLeast: 35)
                site.extra = Self.schedules("""
                    - id: \(id)
                      runbook: pegasus-rebalance
                      inventory: pegasus
                      params: {cluster: c\(UUID().uuidString.prefix(8)), poll: 1s, timezone: UTC}
                      cron: "\(Self.cron(at: start))"
                      timezone: UTC
                      duration: \(Int(Self.window))s
                      approve_ahead: 10m
                      owner: alice
                    """)
                let serve = try await site.start()
                let occurrence = "/api/v1/schedules/\(id)/occurrences/\(Self.utc(start))"
                let diagnose = { await Self.diagnosis(site, logs: [serve.output]) }

                // Planned ahead (a dry run on the hosts), its gate waiting for an approver.
                var planHash = ""
                try await Self.wait("occurrence \(Self.utc(start)) planned ahead", limit: .seconds(60), diagnose) {
                    let answer = try await site.api("bob").get(occurrence)
                    guard answer.status == 200, let hash = try answer.json()["plan_hash"] as? String else { return false }
                    planHash = hash
                    return true
                }
                let planned = try await site.api("bob").get(occurrence).json()
                let gates = planned["gates"] as? [[String: Any]] ?? []
                #expect(gates.map { $0["step"] as? String } == ["go"] && gates.first?["state"] as? String == "waiting", "\(planned)")
                #expect((planned["plan"] as? [String: Any])?["hash"] as? String == planHash, "the plan an approver reads is the one hashed: \(planned)")
                #expect(planned["outcome"] == nil && planned["run"] == nil, "nothing ran yet: \(planned)")

                let own = try await site.api("alice").post(occurrence + "/approve", json: ["plan_hash": planHash])
                #expect(own.status == 403, "the schedule's owner may not approve its occurrence: \(own)")
                #expect(own.errorMessage?.contains("alice owns schedule \(id)") == true, "\(own)")
                let approved = try await site.api("bob").post(occurrence + "/approve", json: ["plan_hash": planHash, "comment": "window agreed"])
                #expect(approved.status == 200, "\(approved)")
                let approvedGates = try approved.json()["gates"] as? [[String: Any]] ?? []
                #expect(approvedGates.first?["state"] as? String == "approved" && approvedGates.first?["approved_by"] as? [String] == ["bob"],
                        "\(approved)")
                // Approved ahead, and still nothing runs before the window opens.
                #expect(Date() < start, "the approval came after the window opened; the test's lead is too short")
                let early = try await site.api("alice").get("/api/v1/runs?trigger=schedule").json()["runs"] as? [[String: Any]] ?? []
                #expect(early.isEmpty, "\(early)")

                // The window opens: the occurrence starts its run.
                var runID = ""
                try await Self.wait("occurrence \(Self.utc(start)) started", limit: .seconds(start.timeIntervalSinceNow + 60), diagnose) {
                    let view = try await site.api("bob").get(occurrence).json()
                    guard let run = view["run"] as? String, view["outcome_kind"] as? String != nil else { return false }
                    runID = run
                    return true
                }
                let journal = try await Journal.open(directory: site.state)
                let run = try #require(try await journal.run(runID))
                let lag = run.startedAt - start.timeIntervalSince1970
                print("schedule \(id): occurrence \(Self.utc(start)) started run \(runID) \(String(format: "%.3f", lag)) s after its nominal start")
                #expect(lag >= 0, "the run started before its window opened: \(lag) s")
                #expect(lag < 20, "the run started \(lag) s after its window opened")
                #expect(run.trigger == .schedule && run.initiator == "alice", "\(run.trigger) \(run.initiator)")

                let ended = try await Self.awaitEnd(runID, in: site.state, limit: .seconds(Self.window), diagnose)
                let story = await diagnose()
                #expect(ended.status == .ended(.succeeded), "\(ended.status) \(ended.reason ?? ""): \(story)")
                let finished = try #require(ended.finishedAt)
                #expect(finished <= start.timeIntervalSince1970 + Self.window, "ended \(finished - start.timeIntervalSince1970) s after the window opened")
                // Its window is the occurrence's, recorded in the run's plan.
                let plan = try JSONDecoder().decode(Plan.self, from: Data(try #require(ended.plan).utf8))
                #expect(plan.window?.opens == start.timeIntervalSince1970 && plan.window?.closes == start.timeIntervalSince1970 + Self.window,
                        "\(String(describing: plan.window))")
                #expect(plan.hash == planHash, "the run ran the plan that was approved")

                // Through its gate on the approval given ahead: nobody approved the run itself.
                let approvals = try await journal.approvals(of: runID, step: "go")
                #expect(approvals.map(\.approver) == ["bob"] && approvals.first?.planHash == planHash, "\(approvals)")
                #expect(approvals.first?.comment == "approved ahead for \(id)@\(Self.utc(start)): window agreed", "\(approvals)")
                let events = try await journal.events(of: runID)
                let gate = try #require(events.first { $0.kind == .waitingApproval && $0.step == "go" }, "\(events)")
                let lively = try #require(events.first { $0.kind == .stepStarted && $0.step == "lively" }, "\(events)")
                #expect(lively.at - gate.at < 5, "the gate held the run \(lively.at - gate.at) s")
                #expect(events.contains { $0.kind == .note && ($0.detail ?? "").contains("(schedule \(id) occurrence \(Self.utc(start)))") },
                        "the run names its occurrence: \(events.compactMap(\.detail))")
                #expect(pegasus.levelsSet == ["lively", "steady"], "\(pegasus.commands)")
                #expect(pegasus.metaLevel == "steady")

                let view = try await site.api("bob").get(occurrence).json()
                #expect(view["outcome"] as? String == "started \(runID)" && view["outcome_kind"] as? String == "started", "\(view)")
                #expect(view["status"] as? String == "ended", "\(view)")
                let runs = try await site.api("alice").get("/api/v1/runs?trigger=schedule").json()["runs"] as? [[String: Any]] ?? []
                #expect(runs.compactMap { $0["id"] as? String } == [runID], "\(runs)")
                let metrics = try await site.api("alice").get("/metrics").text
                #expect(metrics.contains("warden_schedule_lag_seconds_count{schedule=\"\(id)\"} 1"), "\(metrics)")

                let (status, log) = try await serve.terminate()
                #expect(status == 0, "\(log)")
            }
        }

        @Test func aDaemonKilledJustBeforeTheWindowAndStartedInsideItFiresTheOccurrenceOnce() async throws {
            try await withFleet(hosts: 1, logCommands: true) { fleet in
                let pegasus = try await PegasusTestCluster.start(on: fleet, options: ["--nodes", "4"])
                // The shipped rebalance waits for an approver; this window's runbook needs nobody.
                let folder = fleet.directory.appendingPathComponent("site-runbooks").path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Self.livelyThenSteady.write(toFile: folder + "/lively-then-steady.yaml", atomically: true, encoding: .utf8)
                let site = try ServeSite(in: fleet.directory.path, inventories: ["pegasus": pegasus.inventoryPath], runbooks: [folder])
                try await site.addToken("vera", roles: ["viewer"])
                let id = "nudge"
                // Time for the daemon to start and register the schedule before it is killed.
                let start = Self.nextMinute(atLeast: 30)
                site.extra = Self.schedules("""
                    - id: \(id)
                      runbook: pegasus-lively-then-steady
                      inventory: pegasus
                      cron: "\(Self.cron(at: start))"
                      timezone: UTC
                      duration: \(Int(Self.window))s
                    """)
                let first = try await site.start()
                var logs: [String] = []
                let diagnose = { await Self.diagnosis(site, logs: logs + [first.output]) }
                try await Self.wait("schedule \(id) registered", limit: .seconds(30), diagnose) {
                    try await Self.scheduleEvents(site, id).contains { $0.kind == .registered }
                }
                let listed = try await site.api("vera").get("/api/v1/schedules").json()["schedules"] as? [[String: Any]] ?? []
                let next = (listed.first?["next"] as? [[String: Any]])?.first?["start"] as? String
                #expect(next == Self.utc(start), "\(listed)")

                // Killed three seconds before the window opens, having fired nothing.
                try await Task.sleep(for: .seconds(max(0, start.timeIntervalSinceNow - 3)))
                #expect(Date() < start, "the daemon was not killed before the window opened; the test's lead is too short")
                logs.append(try await first.crash())
                let before = await diagnose()
                #expect(try await Self.scheduleEvents(site, id).filter { $0.kind == .firing }.isEmpty, "fired before its start: \(before)")

                // Started again three seconds into the window (its catchup is the window less the cleanup reserve).
                try await Task.sleep(for: .seconds(max(0, start.timeIntervalSinceNow + 3)))
                let second = try await site.start()
                let again = { await Self.diagnosis(site, logs: logs + [second.output]) }
                let occurrence = "/api/v1/schedules/\(id)/occurrences/\(Self.utc(start))"
                var runID = ""
                try await Self.wait("occurrence \(Self.utc(start)) started by the restarted daemon", limit: .seconds(60), again) {
                    let view = try await site.api("vera").get(occurrence).json()
                    guard view["outcome_kind"] as? String != nil else { return false }
                    runID = view["run"] as? String ?? ""
                    return true
                }
                let view = try await site.api("vera").get(occurrence).json()
                #expect(view["outcome_kind"] as? String == "started" && view["outcome"] as? String == "started \(runID)", "\(view)")
                let ended = try await Self.awaitEnd(runID, in: site.state, limit: .seconds(Self.window), again)
                let story = await again()
                #expect(ended.status == .ended(.succeeded), "\(ended.status) \(ended.reason ?? ""): \(story)")
                print("schedule \(id): occurrence \(Self.utc(start)) started run \(runID) "
                      + "\(String(format: "%.3f", ended.startedAt - start.timeIntervalSince1970)) s after its nominal start, by the restarted daemon")
                #expect(ended.startedAt >= start.timeIntervalSince1970 && (ended.finishedAt ?? .infinity) <= start.timeIntervalSince1970 + Self.window,
                        "\(ended.startedAt) \(String(describing: ended.finishedAt))")

                // Once: one claim, one run, one lively and one steady on the cluster.
                let events = try await Self.scheduleEvents(site, id)
                #expect(events.filter { $0.kind == .firing }.count == 1, "\(events.map(\.kind))")
                #expect(events.filter { $0.kind == .started }.map(\.run) == [runID], "\(events.map(\.kind))")
                let runs = try await site.api("vera").get("/api/v1/runs").json()["runs"] as? [[String: Any]] ?? []
                #expect(runs.compactMap { $0["id"] as? String } == [runID], "\(runs)")
                #expect(runs.first?["trigger"] as? String == "schedule", "\(runs)")
                #expect(pegasus.levelsSet == ["lively", "steady"], "\(pegasus.commands)")
                #expect(pegasus.metaLevel == "steady")

                let (status, log) = try await second.terminate()
                #expect(status == 0, "\(log)")
            }
        }

        // MARK: Helpers

        /// A runbook with no approval gate: lively, and always steady again (the rebalance without its wait and gate).
        static let livelyThenSteady = """
            name: pegasus-lively-then-steady
            summary: Set the meta level lively, then always steady again; for a window that needs no approver.
            params:
              admin: {type: string, default: pegasus-admin, doc: "inventory pattern of the one host that runs pegasus_shell"}
            targets:
              admin: {hosts: "{{ params.admin }}", exactly: 1}
            defaults: {timeout: 60s}
            probes:
              cluster:
                on: admin
                run: "printf '%s\\\\n' cluster_info | {{ host.vars.pegasus_shell }} 2>&1"
                parse: pegasus.cluster_info
            guards:
              - probe: cluster
                expect: result.meta_function_level == "steady"
                message: the meta level is not steady
            steps:
              - id: lively
                on: admin
                run: "printf '%s\\\\n' 'set_meta_level lively' | {{ host.vars.pegasus_shell }} 2>&1"
                parse: pegasus.set_meta_level
                expect: result.ok
            finally:
              - id: steady
                on: admin
                run: "printf '%s\\\\n' 'set_meta_level steady' | {{ host.vars.pegasus_shell }} 2>&1"
                parse: pegasus.set_meta_level
                expect: result.ok

            """

        /// A `schedules:` section holding `items` (YAML list items, unindented).
        static func schedules(_ items: String) -> String {
            "schedules:\n" + items.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)\n" }.joined()
        }

        /// The first whole minute at least `lead` seconds from now.
        static func nextMinute(atLeast lead: TimeInterval) -> Date {
            Date(timeIntervalSince1970: (Date().addingTimeInterval(lead).timeIntervalSince1970 / 60).rounded(.up) * 60)
        }

        /// A daily cron expression (read in UTC) naming `start`'s minute and hour.
        static func cron(at start: Date) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let parts = calendar.dateComponents([.hour, .minute], from: start)
            return "\(parts.minute ?? 0) \(parts.hour ?? 0) * * *"
        }

        /// RFC 3339 in UTC, as the API names an occurrence (`2026-12-03T09:14:00Z`).
        static func utc(_ date: Date) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.string(from: date)
        }

        static func scheduleEvents(_ site: ServeSite, _ id: String) async throws -> [ScheduleEventEntry] {
            try await Journal.open(directory: site.state).scheduleEvents().filter { $0.schedule == id }
        }

        /// `poll`, failing with what the daemons logged and journaled when `condition` never holds.
        static func wait(_ what: String, limit: Duration, _ diagnose: () async -> String, until condition: () async throws -> Bool) async throws {
            do {
                try await poll(what, limit: limit, until: condition)
            } catch {
                throw TestFailure("\(error)\n\(await diagnose())")
            }
        }

        /// Waits for `run` to end in the journal: its row.
        static func awaitEnd(_ run: String, in state: String, limit: Duration, _ diagnose: () async -> String) async throws -> JournalRun {
            let journal = try await Journal.open(directory: state)
            try await wait("run \(run) ended", limit: limit, diagnose) {
                try await journal.run(run).map { $0.status != .running } ?? false
            }
            return try #require(try await journal.run(run))
        }

        /// The schedule events journaled so far and what the daemons logged: why a wait failed.
        static func diagnosis(_ site: ServeSite, logs: [String]) async -> String {
            let events = (try? await Journal.open(directory: site.state).scheduleEvents()) ?? []
            let lines = events.map { event in
                let at = event.occurrence.map { utc(Date(timeIntervalSince1970: $0)) } ?? "-"
                return "  \(event.sequence) \(event.kind.rawValue) \(event.schedule)@\(at) by \(event.actor) \(event.run ?? "") \(event.detail.map { String($0.prefix(300)) } ?? "")"
            }
            return "schedule events:\n\(lines.joined(separator: "\n"))\n" + logs.enumerated().map { "warden serve #\($0.offset + 1) logged:\n\($0.element)" }.joined(separator: "\n")
        }
    }
}
