import Foundation
import Testing
@testable import WardenCore

/// `schedules:` and `blackouts:` in the serve config: read with
/// file:line:column and checked against the catalog and inventories at load,
/// so that a window that could never open (or would open wrongly) stops the
/// daemon, or the reload, before its first occurrence finds out.
@Suite("Schedules in the serve config")
struct ScheduleConfigTests {
    /// Read-only, with a required, a typed and a secret parameter.
    static let look = """
        name: look
        params:
          cluster: {type: string, required: true}
          nodes: {type: int, default: 1}
          password: {type: string, secret: true}
        targets:
          meta: {hosts: meta1, exactly: 1}
        steps:
          - id: look
            on: meta
            check: "echo {{ params.cluster }}"
        """

    /// Changes a host behind an approval gate, and keeps 20 minutes of its window for cleanup.
    static let change = """
        name: change
        window: {between: "00:00-23:59", timezone: UTC, cleanup_reserve: 20m}
        targets:
          meta: {hosts: meta1, exactly: 1}
        steps:
          - id: go
            approve: {quorum: 1}
          - id: lively
            on: meta
            run: set_meta_level lively
            unguarded: a test
        """

    /// Changes a host with no approval gate.
    static let poke = """
        name: poke
        targets:
          meta: {hosts: meta1, exactly: 1}
        steps:
          - id: poke
            on: meta
            run: poke
            unguarded: a test
        """

    /// A folder with the runbooks, an inventory and `serve.yaml` holding `schedules` (and `extra`);
    /// the first schedule starts on line 5.
    private func site(schedules: String, extra: String = "") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-schedule-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/runbooks", withIntermediateDirectories: true)
        for (name, text) in [("look", Self.look), ("change", Self.change), ("poke", Self.poke)] {
            try text.write(toFile: folder + "/runbooks/\(name).yaml", atomically: true, encoding: .utf8)
        }
        try "hosts:\n  meta1: {address: 127.0.0.1}\n".write(toFile: folder + "/inventory.yaml", atomically: true, encoding: .utf8)
        try """
            state: state
            inventories: {lab: inventory.yaml}
            runbooks: [runbooks]
            schedules:
            \(schedules)
            \(extra)
            """.write(toFile: folder + "/serve.yaml", atomically: true, encoding: .utf8)
        return folder
    }

    /// `FILE:LINE:COLUMN` of the first place `marker` is written in the config.
    private static func place(of marker: String, in file: String) throws -> String {
        let lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        let line = try #require(lines.firstIndex { $0.contains(marker) }, "'\(marker)' is not in the config")
        let column = try #require(lines[line].range(of: marker)).lowerBound
        return "\(file):\(line + 1):\(lines[line].distance(from: lines[line].startIndex, to: column) + 1)"
    }

    @Test func aGoodScheduleLoadsWithItsDefaults() throws {
        let folder = try site(schedules: """
              - id: nightly
                runbook: change
                inventory: lab
                cron: "30 1 * * *"
                timezone: Europe/Berlin
                duration: 2h
                approve_ahead: 12h
                owner: alice
                blackouts: [{name: sale, from: 2026-11-10, to: 2026-11-12, reason: "singles' day"}]
              - id: inspect
                runbook: look
                inventory: lab
                params: {cluster: c1, nodes: 3}
                rrule: "FREQ=DAILY;BYHOUR=0,6,12,18"
                timezone: UTC
                duration: 1h
                overlap: allow_all
                enabled: false
            """, extra: """
            blackouts:
              - {name: freeze, from: 2026-12-20, to: 2027-01-03, reason: year-end change freeze}
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (configuration, _) = try ServeConfiguration.load(path: folder + "/serve.yaml", environment: [:])
        #expect(configuration.schedules.map(\.id) == ["nightly", "inspect"])
        let nightly = try #require(configuration.schedules.first)
        #expect(nightly.timeZoneName == "Europe/Berlin")
        #expect(nightly.duration == .seconds(7200))
        // catchup left out: the window less the runbook's cleanup_reserve (2h - 20m).
        #expect(nightly.catchup == .seconds(100 * 60))
        #expect(nightly.approveAhead == .seconds(12 * 3600))
        #expect(nightly.overlap == .skip)
        #expect(nightly.enabled)
        #expect(nightly.owner == "alice")
        #expect(nightly.blackouts.map(\.description) == ["sale (2026-11-10 to 2026-11-12: singles' day)"])
        let inspect = try #require(configuration.schedules.last)
        // No cleanup_reserve in the runbook: a tenth of the 1h window (6m) is kept.
        #expect(inspect.catchup == .seconds(54 * 60))
        #expect(inspect.params == ["cluster": "c1", "nodes": "3"])
        #expect(inspect.overlap == .allowAll)
        #expect(!inspect.enabled)
        #expect(inspect.owner == "schedule:inspect")
        #expect(configuration.blackouts.map(\.description) == ["freeze (2026-12-20 to 2027-01-03: year-end change freeze)"])
    }

    /// One bad input and what the load says about it.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// The schedule's lines after `- id: w` (each indented four spaces), or the whole list when `whole`.
        let lines: String
        var whole = false
        var extra = ""
        /// Where the problem is: the first place this text is written in the config.
        let marker: String
        /// What the message says (after `error: `), in order.
        let says: [String]

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a cron line that does not parse", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 25 * * *"
                 timezone: UTC
                 duration: 1h
             """, marker: "\"0 25", says: ["schedule 'w': cron: hour: 25 is out of range 0-23"]),
        Case(name: "an RRULE that does not parse", lines: """
                 runbook: look
                 params: {cluster: c1}
                 rrule: "FREQ=HOURLY;BYHOUR=1"
                 timezone: UTC
                 duration: 1h
             """, marker: "\"FREQ", says: ["schedule 'w': rrule: FREQ: 'HOURLY' is not allowed (allowed: DAILY WEEKLY MONTHLY)"]),
        Case(name: "an RRULE part Warden does not do", lines: """
                 runbook: look
                 params: {cluster: c1}
                 rrule: "FREQ=DAILY;BYHOUR=1;COUNT=3"
                 timezone: UTC
                 duration: 1h
             """, marker: "\"FREQ", says: ["schedule 'w': rrule: RRULE: COUNT is not supported (allowed: FREQ INTERVAL BYDAY BYHOUR BYMINUTE)"]),
        Case(name: "both cron and rrule", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 3 * * *"
                 rrule: "FREQ=DAILY;BYHOUR=3"
                 timezone: UTC
                 duration: 1h
             """, marker: "rrule:", says: ["schedule 'w' has both cron and rrule; give one"]),
        Case(name: "neither cron nor rrule", lines: """
                 runbook: look
                 params: {cluster: c1}
                 timezone: UTC
                 duration: 1h
             """, marker: "id: w", says: ["schedule 'w' needs cron or rrule"]),
        Case(name: "an unknown time zone", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 3 * * *"
                 timezone: Europe/Berln
                 duration: 1h
             """, marker: "Europe/Berln", says: ["schedule 'w': timezone: unknown time zone 'Europe/Berln'", "did you mean 'Europe/Berlin'?"]),
        Case(name: "no time zone", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 3 * * *"
                 duration: 1h
             """, marker: "id: w", says: ["schedule 'w' needs timezone", "timezone: UTC"]),
        Case(name: "a window longer than the time between occurrences", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 */2 * * *"
                 timezone: UTC
                 duration: 3h
             """, marker: "id: w", says: ["schedule 'w': duration 3h is longer than the 2h between two of its occurrences ('0 */2 * * *' in UTC)",
                                            "windows may not overlap"]),
        Case(name: "catchup longer than the window", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
                 catchup: 90m
             """, marker: "90m", says: ["schedule 'w': catchup (1h30m) is longer than the window (duration 1h)"]),
        Case(name: "a runbook not in the catalog", lines: """
                 runbook: lok
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
             """, marker: "id: w", says: ["schedule 'w': runbook 'lok' is not in the catalog", "did you mean 'look'?"]),
        Case(name: "an inventory not configured", lines: """
                 runbook: look
                 inventory: labb
                 params: {cluster: c1}
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
             """, marker: "id: w", says: ["schedule 'w': inventory 'labb' is not in inventories", "did you mean 'lab'?"]),
        Case(name: "an unknown parameter", lines: """
                 runbook: look
                 params: {cluster: c1, nodse: 3}
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
             """, marker: "id: w", says: ["schedule 'w': runbook 'look' has no parameter 'nodse'", "did you mean 'nodes'?"]),
        Case(name: "a parameter of the wrong type", lines: """
                 runbook: look
                 params: {cluster: c1, nodes: three}
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
             """, marker: "id: w", says: ["schedule 'w': parameter 'nodes' of runbook 'look' must be an integer, got 'three'"]),
        Case(name: "a secret parameter", lines: """
                 runbook: look
                 params: {cluster: c1, password: hunter2}
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
             """, marker: "id: w", says: ["schedule 'w': parameter 'password' of runbook 'look' is a secret; a schedule cannot set a secret"]),
        Case(name: "a required parameter missing", lines: """
                 runbook: look
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
             """, marker: "id: w", says: ["schedule 'w': runbook 'look' requires parameter 'cluster', which the schedule does not set"]),
        Case(name: "overlap allow_all on a runbook that changes hosts", lines: """
                 runbook: poke
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
                 overlap: allow_all
             """, marker: "id: w", says: ["schedule 'w': overlap allow_all would run 'poke' beside itself, and its step 'poke' changes hosts",
                                            "use overlap: skip (the default) or queue_one"]),
        Case(name: "an overlap that does not exist", lines: """
                 runbook: poke
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
                 overlap: queue
             """, marker: "queue", says: ["schedule 'w': overlap must be one of skip, queue_one, allow_all, got 'queue'"]),
        Case(name: "approve_ahead on a runbook without an approve step", lines: """
                 runbook: poke
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
                 approve_ahead: 12h
             """, marker: "id: w", says: ["schedule 'w': approve_ahead is set, but runbook 'poke' has no approve: step to approve"]),
        Case(name: "an unknown key", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
                 catchpu: 10m
             """, marker: "catchpu", says: ["unknown key 'catchpu' in a schedule", "did you mean 'catchup'?"]),
        Case(name: "a blackout with a date that does not exist", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
                 blackouts: [{name: sale, from: 2026-02-30, to: 2026-03-02}]
             """, marker: "2026-02-30", says: ["blackout 'sale': from must be a date YYYY-MM-DD, got '2026-02-30'"]),
        Case(name: "a global blackout ending before it starts", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
             """, extra: "blackouts: [{name: freeze, from: 2026-12-20, to: 2026-12-01}]",
             marker: "2026-12-01", says: ["blackout 'freeze': to (2026-12-01) is before from (2026-12-20)"]),
        Case(name: "a blackout without its dates", lines: """
                 runbook: look
                 params: {cluster: c1}
                 cron: "0 3 * * *"
                 timezone: UTC
                 duration: 1h
                 blackouts: [{name: sale, reason: sale day}]
             """, marker: "{name: sale", says: ["a blackout needs name, from and to (dates, YYYY-MM-DD, inclusive)"]),
        Case(name: "two schedules with one id", lines: """
              - id: w
                runbook: look
                inventory: lab
                params: {cluster: c1}
                cron: "0 3 * * *"
                timezone: UTC
                duration: 1h
              - id: w
                runbook: look
                inventory: lab
                params: {cluster: c1}
                cron: "0 4 * * *"
                timezone: UTC
                duration: 1h
            """, whole: true, marker: "id: w", says: ["duplicate schedule id 'w' (first at line 5, column 5)"]),
    ]

    @Test(arguments: cases)
    func aBadScheduleIsRefusedWithWhereItIsWritten(_ bad: Case) throws {
        var schedule = bad.lines
        if !bad.whole {
            // Every case but the inventory one uses the inventory there is.
            let inventory = bad.lines.contains("inventory:") ? "" : "    inventory: lab\n"
            schedule = "  - id: w\n" + inventory + bad.lines
        }
        let folder = try site(schedules: schedule, extra: bad.extra)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/serve.yaml"
        var message = ""
        do {
            _ = try ServeConfiguration.load(path: file, environment: [:])
            Issue.record("\(bad.name): the config loaded")
        } catch {
            message = error.description
        }
        // The duplicate's place is the second schedule (line 12), whose id is written like the first's.
        var place = try Self.place(of: bad.marker, in: file)
        if bad.whole { place = "\(file):12:5" }
        let line = message.split(separator: "\n").map(String.init).first { $0.hasPrefix(place + ": error: ") }
        let found = try #require(line, "\(bad.name): nothing at \(place) in:\n\(message)")
        var rest = Substring(found)
        for text in bad.says {
            guard let range = rest.range(of: text) else {
                Issue.record("\(bad.name): '\(text)' not in (or out of order in) \(found)")
                break
            }
            rest = rest[range.upperBound...]
        }
    }

    /// Problems of the parse (and of each schedule) come together, each with its place, so one
    /// pass over the config fixes them all.
    @Test func everyProblemOfAScheduleListIsReportedAtOnce() throws {
        let folder = try site(schedules: """
              - id: one
                runbook: look
                inventory: lab
                cron: "0 3 * * MOON"
                timezone: UTC
                duration: 1h
              - id: two
                runbook: look
                inventory: lab
                rrule: "FREQ=WEEKLY;BYHOUR=3"
                timezone: Mars/Olympus
                duration: 1h
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/serve.yaml"
        var message = ""
        do {
            _ = try ServeConfiguration.load(path: file, environment: [:])
        } catch {
            message = error.description
        }
        #expect(message.contains("\(file):8:11: error: schedule 'one': cron: day-of-week: 'MOON' is not allowed"), "\(message)")
        #expect(message.contains("\(file):14:12: error: schedule 'two': rrule: RRULE: WEEKLY needs BYDAY (which days)"), "\(message)")
        #expect(message.contains("\(file):15:15: error: schedule 'two': timezone: unknown time zone 'Mars/Olympus'"), "\(message)")
    }
}

extension ScheduleConfigTests {
    /// The shipped example config's schedules check against the shipped Pegasus runbooks (its
    /// inventories and other paths are the deployment's, so the whole file is not loaded here).
    @Test func theExampleSchedulesCheckAgainstTheShippedRunbooks() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let file = root + "/deploy/serve.example.yaml"
        let configuration = try ServeConfiguration.parse(try String(contentsOfFile: file, encoding: .utf8), file: file)
        #expect(configuration.schedules.map(\.id) == ["nightly-rebalance", "inspection", "connection-audit"])
        #expect(configuration.schedules.first?.approveAhead == .seconds(12 * 3600))
        #expect(configuration.blackouts.map(\.name) == ["year-end-freeze"])
        #expect(configuration.monitors.map(\.id) == ["fdb-main", "pegasus-inspection"])
        #expect(configuration.monitors.map(\.every) == [.seconds(60), .seconds(300)])
        // The shipped rules files, with the example's parameters, load as monitors do.
        for monitor in configuration.monitors {
            let shipped = root + "/runbooks/" + (monitor.rules.components(separatedBy: "/runbooks/").last ?? "")
            let loaded = Runbook.load(path: shipped)
            #expect(loaded.errors.isEmpty && loaded.runbook?.monitorRules.isEmpty == false, "\(shipped): \(loaded.errors)")
            _ = try ParameterBinding.bind(try #require(loaded.runbook), given: monitor.params.map { ($0.key, $0.value) })
        }
        let catalog = RunbookCatalog.load(folders: [root + "/runbooks/pegasus"])
        #expect(catalog.problems.isEmpty)
        let problems = ScheduleCheck.problems(configuration.schedules, catalog: catalog, inventories: Set(configuration.inventories.keys))
        #expect(problems.isEmpty, "\(problems)")
        // The rebalance keeps the default reserve of its 3h window (15m): it may start until 04:15.
        #expect(ScheduleCheck.resolvingCatchup(configuration.schedules, catalog: catalog).first?.catchup == .seconds(165 * 60))
    }
}
