import Foundation
import Testing
@testable import WardenCore

/// Runbooks that load, and the model they load into: what each key of the
/// language becomes, what defaults fill in, and how includes are flattened.
@Suite struct RunbookLoadingTests {
    // MARK: The whole language at once

    @Test func theDemoRunbookLoadsWithoutFindings() throws {
        let result = try RunbookFixtures.withDemo { path in Runbook.load(path: path) }
        #expect(result.diagnostics.map(\.description) == [])
        let runbook = try RunbookFixtures.runbook(of: result)
        #expect(runbook.name == "demo")
        #expect(runbook.summary == "text")
        #expect(runbook.sources.map { ($0.path as NSString).lastPathComponent } == ["rb.yaml", "other.yaml"])
        #expect(runbook.lock?.name.text == "demo/{{ params.service }}")
        #expect(runbook.allowSelfApproval == false)
    }

    @Test func stepsKeepTheirOrderAndKindWithIncludedStepsInPlace() throws {
        let runbook = try RunbookFixtures.withDemo { path in try RunbookFixtures.runbook(of: Runbook.load(path: path)) }
        #expect(runbook.steps.map(\.id) == ["info", "go", "restart", "settle", "grab", "breathe", "sub.x"])
        #expect(runbook.steps.map(\.kind.keyword) == ["check", "approve", "run", "wait", "collect", "pause", "run"])
        #expect(runbook.steps.filter(\.isMutating).map(\.id) == ["restart", "sub.x"])
        #expect(runbook.steps.map(\.scope) == [0, 0, 0, 0, 0, 0, 1])
        #expect(runbook.steps.map(\.target) == ["first", nil, "fleet", nil, "first", nil, "fleet"])
        #expect(runbook.steps.map(\.isCleanup) == Array(repeating: false, count: 7))
        // Included runbooks' cleanup runs before the includer's own.
        #expect(runbook.finally.map(\.id) == ["sub.child_cleanup", "cleanup"])
        #expect(runbook.finally.map(\.isCleanup) == [true, true])
        #expect(runbook.finally.map(\.target) == ["fleet", "first"])
    }

    @Test func eachStepKindCarriesItsSettings() throws {
        let runbook = try RunbookFixtures.withDemo { path in try RunbookFixtures.runbook(of: Runbook.load(path: path)) }

        let info = try RunbookFixtures.step("info", in: runbook)
        guard case let .check(command) = info.kind else { Issue.record("info is \(info.kind.keyword)"); return }
        #expect(command.text == "uname -s")
        #expect(info.expect?.text == "stdout == \"Linux\\n\"")
        #expect(info.location == SourceLocation(file: info.location.file, line: 26, column: 5))
        #expect(info.targetLocation?.line == 27)

        let go = try RunbookFixtures.step("go", in: runbook)
        guard case let .approve(approval) = go.kind else { Issue.record("go is \(go.kind.keyword)"); return }
        #expect(approval.quorum == 1)
        #expect(approval.timeout == .seconds(30 * 60))
        #expect(approval.approvers == ["alice", "bob"])
        #expect(approval.message == nil)

        let restart = try RunbookFixtures.step("restart", in: runbook)
        guard case let .run(run) = restart.kind else { Issue.record("restart is \(restart.kind.keyword)"); return }
        #expect(run.text == "systemctl restart {{ params.service }}")
        #expect(run.holes.map(\.expression.description) == ["params.service"])
        #expect(restart.undo?.text == "echo undo {{ params.service }}")
        #expect(restart.when?.description == "host.name != \"h02\" and params.mode == \"fast\"")
        #expect(restart.serial == .percent(50))
        #expect(restart.maxFail == .count(1))
        #expect(restart.batchPause == .seconds(5))
        #expect(restart.onError == .rollback)

        let settle = try RunbookFixtures.step("settle", in: runbook)
        guard case let .wait(wait) = settle.kind else { Issue.record("settle is \(settle.kind.keyword)"); return }
        guard case let .named(probe) = wait.probe else { Issue.record("an inline probe"); return }
        #expect(probe == "load")
        #expect(wait.until.description == "result.load < 5")
        #expect(wait.consecutive == 3)
        #expect(wait.every == .seconds(10))
        #expect(wait.timeout == .window)

        let grab = try RunbookFixtures.step("grab", in: runbook)
        guard case let .collect(collect) = grab.kind else { Issue.record("grab is \(grab.kind.keyword)"); return }
        #expect(collect.paths.map(\.text) == ["/var/log/syslog"])

        let breathe = try RunbookFixtures.step("breathe", in: runbook)
        guard case let .pause(pause) = breathe.kind else { Issue.record("breathe is \(breathe.kind.keyword)"); return }
        #expect(pause.duration == .seconds(30))
        #expect(pause.reason == "let caches warm")
    }

    @Test func defaultsFillInWhatAStepLeavesOutButOnlyInTheirOwnFile() throws {
        let runbook = try RunbookFixtures.withDemo { path in try RunbookFixtures.runbook(of: Runbook.load(path: path)) }
        let info = try RunbookFixtures.step("info", in: runbook)
        #expect(info.timeout == .seconds(30))
        #expect(info.retries == 0)
        #expect(info.delay == .seconds(1))
        #expect(info.onError == .abort)
        #expect(info.serial == nil)
        #expect(info.maxFail == nil)
        // `defaults:` is per file: the included runbook declares none, so
        // its steps get the built-in ones, not the includer's 30s timeout.
        let included = try RunbookFixtures.step("sub.x", in: runbook)
        #expect(included.timeout == nil)
        #expect(included.delay == .seconds(1))
        #expect(included.onError == .abort)
    }

    @Test func stepDefaultsWithoutADefaultsBlock() throws {
        let runbook = try RunbookFixtures.load("""
            name: bare
            targets: {all_hosts: all}
            steps:
              - id: look
                on: all_hosts
                check: uptime
                retries: 2
                delay: 500ms
                on_error: continue
            """)
        let look = try RunbookFixtures.step("look", in: runbook)
        #expect(look.timeout == nil)
        #expect(look.retries == 2)
        #expect(look.delay == .milliseconds(500))
        #expect(look.onError == .continue)
        #expect(look.isMutating == false)
        // `hosts` given as a bare pattern.
        #expect(runbook.target(named: "all_hosts")?.pattern.text == "all")
        #expect(runbook.target(named: "all_hosts")?.exactly == nil)
    }

    @Test func aReadonlyRunIsNotMutating() throws {
        let runbook = try RunbookFixtures.load("""
            name: ro
            targets: {one: {hosts: h01, exactly: 1}}
            steps:
              - id: peek
                on: one
                run: cat /etc/hostname
                readonly: true
            """)
        #expect(try RunbookFixtures.step("peek", in: runbook).isMutating == false)
    }

    // MARK: Parameters

    @Test func parametersAreTypedWithDefaultsAndFlags() throws {
        let runbook = try RunbookFixtures.withDemo { path in try RunbookFixtures.runbook(of: Runbook.load(path: path)) }
        let parameters = runbook.parameters
        #expect(parameters.map(\.name) == ["service", "threshold", "mode", "token", "wait_for"])
        #expect(parameters.map(\.type) == [.string, .int, .oneOf(["fast", "slow"]), .string, .duration])
        #expect(parameters.map(\.defaultValue) == [.string("x"), .int(1), .string("fast"), nil, nil])
        #expect(parameters.map(\.secret) == [false, false, false, true, false])
        #expect(parameters.map(\.required) == [false, false, false, false, false])
        #expect(parameters.map(\.location.line) == [4, 5, 6, 7, 8])
    }

    @Test func aTypeNameAloneIsShortForAMappingWithType() throws {
        let runbook = try RunbookFixtures.load("""
            name: short
            params:
              settle: duration
              hosts: list
              ratio: number
              on: bool
            steps:
              - id: a
                pause: 1s
            """)
        #expect(runbook.parameters.map(\.type) == [.duration, .list, .number, .bool])
        #expect(runbook.parameters.map(\.name) == ["settle", "hosts", "ratio", "on"])
        #expect(runbook.parameters.allSatisfy { $0.defaultValue == nil && !$0.required && !$0.secret && $0.doc == nil })
        #expect(runbook.parameters.first?.location == SourceLocation(file: "rb.yaml", line: 3, column: 3))
    }

    @Test func defaultsAreConvertedToTheParametersType() throws {
        let runbook = try RunbookFixtures.load("""
            name: conv
            params:
              ratio: {type: number, default: 2}
              settle: {type: duration, default: 1m30s}
              hosts: {type: list, default: [a, b]}
              flag: {type: bool, default: yes}
              need: {type: string, required: true, doc: what it is}
            steps:
              - id: a
                pause: 1s
            """)
        #expect(runbook.parameters.map(\.defaultValue) == [
            .double(2), .duration(.seconds(90)), .list([.string("a"), .string("b")]), .bool(true), nil,
        ])
        #expect(runbook.parameters.last?.required == true)
        #expect(runbook.parameters.last?.doc == "what it is")
    }

    @Test func enumValuesAreTheWordsInOrder() throws {
        let runbook = try RunbookFixtures.load("""
            name: enums
            params:
              mode: {type: enum, values: [steady, lively, off], default: lively}
              only: {type: enum, values: solo}
            steps:
              - id: a
                pause: 1s
            """)
        #expect(runbook.parameters.map(\.type) == [.oneOf(["steady", "lively", "off"]), .oneOf(["solo"])])
        #expect(runbook.parameters.first?.type.allowedWords == ["steady", "lively", "off"])
        // `off` stays the word: enum values are texts, not YAML booleans.
        #expect(runbook.parameters.first?.type.value(fromText: "off") == .success(.string("off")))
        #expect(runbook.parameters.first?.type.value(fromText: "calm") == .failure(.expected("one of 'steady', 'lively', 'off'")))
    }

    // MARK: Targets, probes, guards and watches

    @Test func targetsProbesGuardsAndWatches() throws {
        let runbook = try RunbookFixtures.withDemo { path in try RunbookFixtures.runbook(of: Runbook.load(path: path)) }
        // The included runbook's target was mapped onto `fleet` and dropped.
        #expect(runbook.targets.map(\.name) == ["fleet", "first"])
        #expect(runbook.targets.map(\.pattern.text) == ["fleet", "h01"])
        #expect(runbook.targets.map(\.atLeast) == [1, nil])
        #expect(runbook.targets.map(\.exactly) == [nil, 1])
        #expect(runbook.target(named: "first")?.cardinalityProblem(count: 2) == "must select exactly 1 host, but selects 2")

        #expect(runbook.probes.map(\.name) == ["load"])
        #expect(runbook.probes.first?.target == "fleet")
        #expect(runbook.probes.first?.parser?.name == "json")
        #expect(runbook.probes.first?.command.text == "cat /proc/loadavg")
        // A probe's timeout comes from the defaults too.
        #expect(runbook.probes.first?.timeout == .seconds(30))

        #expect(runbook.guards.count == 1)
        #expect(runbook.guards.first?.expect.description == "result.load < 100")
        #expect(runbook.guards.first?.message == "optional text")
        #expect(runbook.watches.count == 1)
        #expect(runbook.watches.first?.every == .seconds(10))
        #expect(runbook.watches.first?.abortIf?.description == "result.load > 1000")
    }

    @Test func inlineProbesAndAListOfWatches() throws {
        let runbook = try RunbookFixtures.load("""
            name: inline
            targets: {fleet: fleet}
            guards:
              - probe: {on: fleet, run: "df -P /", parse: table}
                expect: len(result) > 0
            watch:
              - {every: 5s, probe: {on: fleet, run: uptime}, abort_if: exit != 0}
              - {every: 1m, probe: {on: fleet, run: "echo {}", parse: json}, abort_if: result == null}
            steps:
              - id: a
                wait: {probe: {on: fleet, run: "echo 1"}, until: stdout == "1\\n", timeout: 1m}
            """)
        guard case let .inline(probe)? = runbook.guards.first?.probe else { Issue.record("not inline"); return }
        #expect(probe.name == "")
        #expect(probe.parser?.name == "table")
        #expect(runbook.watches.map(\.every) == [.seconds(5), .seconds(60)])
        guard case let .wait(wait) = try RunbookFixtures.step("a", in: runbook).kind else { Issue.record("not a wait"); return }
        #expect(wait.timeout == .duration(.seconds(60)))
        #expect(wait.consecutive == 1)
        #expect(wait.every == .seconds(10))
    }

    // MARK: Includes

    @Test func anIncludeIsFlattenedIntoItsOwnScope() throws {
        let runbook = try RunbookFixtures.withDemo { path in try RunbookFixtures.runbook(of: Runbook.load(path: path)) }
        #expect(runbook.scopes.map(\.prefix) == ["", "sub."])
        #expect(runbook.scopes.map(\.parent) == [nil, 0])
        #expect(runbook.scopes.map(\.origin) == [.runbook, .include(step: "sub")])
        #expect(runbook.scopes.last?.parameters.map(\.name) == ["name"])
        guard case let .expression(argument)? = runbook.scopes.last?.arguments["name"] else {
            Issue.record("the argument is not an expression"); return
        }
        #expect(argument.description == "params.service")
        // Included steps are written in their own runbook's names.
        let included = try RunbookFixtures.step("sub.x", in: runbook)
        #expect(included.command?.text == "echo {{ params.name }}")
        #expect(included.location.file.hasSuffix("/other.yaml"))
        #expect(included.location.line == 7)
    }

    @Test func stepsOfAnIncludeThatIncludesAnotherLandInPlace() throws {
        let runbook = try RunbookFixtures.withFolder([
            "main.yaml": "name: main\nsteps:\n  - {id: x, pause: 1s}\n  - {id: a, include: a.yaml}\n  - {id: y, pause: 1s}\n",
            "a.yaml": "name: a\nsteps:\n  - {id: before, pause: 1s}\n  - {id: c, include: c.yaml}\n",
            "c.yaml": "name: c\nsteps:\n  - {id: c_step, pause: 1s}\n",
        ]) { folder in
            try RunbookFixtures.runbook(of: Runbook.load(path: folder + "/main.yaml"))
        }
        // Once, an include whose runbook included another left its steps where they were read, ahead of the includer's.
        #expect(runbook.steps.map(\.id) == ["x", "a.before", "a.c.c_step", "y"])
    }

    @Test func cleanupRunsNewestScopeFirstEndingWithTheRunbooksOwn() throws {
        let files = [
            "main.yaml": """
                name: main
                steps:
                  - {id: a, include: a.yaml}
                  - {id: b, include: b.yaml}
                finally:
                  - {id: m_clean, pause: 1s}
                """,
            "a.yaml": """
                name: a
                steps:
                  - {id: c, include: c.yaml}
                finally:
                  - {id: a_clean, pause: 1s}
                """,
            "b.yaml": """
                name: b
                steps:
                  - {id: b_step, pause: 1s}
                finally:
                  - {id: b_clean, pause: 1s}
                """,
            "c.yaml": """
                name: c
                steps:
                  - {id: c_step, pause: 1s}
                finally:
                  - {id: c_clean, pause: 1s}
                """,
        ]
        let runbook = try RunbookFixtures.withFolder(files) { folder in
            try RunbookFixtures.runbook(of: Runbook.load(path: folder + "/main.yaml"))
        }
        #expect(runbook.steps.map(\.id) == ["a.c.c_step", "b.b_step"])
        #expect(runbook.scopes.map(\.prefix) == ["", "a.", "a.c.", "b."])
        #expect(runbook.scopes.map(\.parent) == [nil, 0, 1, 0])
        // Like unwinding a stack: what was set up last is cleaned up first,
        // and a runbook's cleanup always runs after that of those it includes.
        #expect(runbook.finally.map(\.id) == ["b.b_clean", "a.c.c_clean", "a.a_clean", "m_clean"])
    }

    @Test func anIncludedRunbooksLockWindowAndSelfApprovalAreIgnoredWithAWarning() throws {
        let files = [
            "main.yaml": """
                name: main
                steps:
                  - {id: sub, include: child.yaml}
                """,
            "child.yaml": """
                name: child
                lock: mine
                window: {between: "01:00-02:00", timezone: UTC}
                steps:
                  - {id: a, pause: 1s}
                """,
        ]
        let result = try RunbookFixtures.withFolder(files) { folder in Runbook.load(path: folder + "/main.yaml") }
        let runbook = try RunbookFixtures.runbook(of: result)
        #expect(runbook.lock == nil)
        #expect(runbook.window == nil)
        #expect(result.warnings.map { "\($0.problem.location?.line ?? 0):\($0.problem.message)" } == [
            "2:'lock' of an included runbook is ignored; the including runbook's applies to the whole run",
            "3:'window' of an included runbook is ignored; the including runbook's applies to the whole run",
        ])
    }

    // MARK: Maintenance windows

    private static func date(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    private static func window(_ between: String, _ timezone: String) throws -> MaintenanceWindow {
        let runbook = try RunbookFixtures.load("""
            name: w
            window: {between: "\(between)", timezone: \(timezone)}
            steps:
              - {id: a, pause: 1s}
            """)
        return try #require(runbook.window?.fixed)
    }

    @Test func aWindowWithinOneDay() throws {
        let window = try Self.window("02:00-05:00", "UTC")
        #expect(window.startMinute == 120)
        #expect(window.endMinute == 300)
        #expect(window.between == "02:00-05:00")
        #expect(window.description == "02:00-05:00 UTC")
        #expect(window.location == SourceLocation(file: "rb.yaml", line: 2, column: 9))
        #expect(!window.contains(try Self.date("2026-03-01T01:59:59Z")))
        #expect(window.contains(try Self.date("2026-03-01T02:00:00Z")))
        #expect(window.contains(try Self.date("2026-03-01T04:59:59Z")))
        #expect(!window.contains(try Self.date("2026-03-01T05:00:00Z")))
        #expect(window.remaining(at: try Self.date("2026-03-01T02:00:00Z")) == .seconds(3 * 3600))
        #expect(window.remaining(at: try Self.date("2026-03-01T04:59:30Z")) == .seconds(30))
        #expect(window.remaining(at: try Self.date("2026-03-01T05:00:00Z")) == nil)
        #expect(window.untilOpen(at: try Self.date("2026-03-01T01:00:00Z")) == .seconds(3600))
        #expect(window.untilOpen(at: try Self.date("2026-03-01T05:00:00Z")) == .seconds(21 * 3600))
        #expect(window.untilOpen(at: try Self.date("2026-03-01T03:00:00Z")) == .zero)
    }

    @Test func aWindowThatWrapsPastMidnight() throws {
        let window = try Self.window("22:00-02:00", "UTC")
        #expect(window.startMinute == 22 * 60)
        #expect(window.endMinute == 120)
        #expect(!window.contains(try Self.date("2026-03-01T21:59:59Z")))
        #expect(window.contains(try Self.date("2026-03-01T22:00:00Z")))
        #expect(window.contains(try Self.date("2026-03-01T23:59:59Z")))
        #expect(window.contains(try Self.date("2026-03-02T00:00:00Z")))
        #expect(window.contains(try Self.date("2026-03-02T01:59:59Z")))
        #expect(!window.contains(try Self.date("2026-03-02T02:00:00Z")))
        #expect(!window.contains(try Self.date("2026-03-02T12:00:00Z")))
        // Before midnight the time left runs on into the next day.
        #expect(window.remaining(at: try Self.date("2026-03-01T23:00:00Z")) == .seconds(3 * 3600))
        #expect(window.remaining(at: try Self.date("2026-03-02T01:00:30Z")) == .seconds(3600 - 30))
        #expect(window.untilOpen(at: try Self.date("2026-03-02T02:00:00Z")) == .seconds(20 * 3600))
    }

    @Test func aWindowEndingAtMidnightAndOneInAZoneWithAHalfHourOffset() throws {
        let toMidnight = try Self.window("20:00-24:00", "UTC")
        #expect(toMidnight.endMinute == 0)
        #expect(toMidnight.contains(try Self.date("2026-03-01T23:59:00Z")))
        #expect(!toMidnight.contains(try Self.date("2026-03-02T00:00:00Z")))
        #expect(toMidnight.remaining(at: try Self.date("2026-03-01T23:00:00Z")) == .seconds(3600))

        // India is UTC+5:30 all year: 02:00-05:00 there is 20:30-23:30 UTC.
        let kolkata = try Self.window("02:00-05:00", "Asia/Kolkata")
        #expect(!kolkata.contains(try Self.date("2026-03-01T20:29:59Z")))
        #expect(kolkata.contains(try Self.date("2026-03-01T20:30:00Z")))
        #expect(kolkata.remaining(at: try Self.date("2026-03-01T20:30:00Z")) == .seconds(3 * 3600))
        #expect(!kolkata.contains(try Self.date("2026-03-01T23:30:00Z")))
    }

    @Test func windowTimesAreReadStrictly() {
        #expect(MaintenanceWindow.minutes(of: "2:00-5:30")?.start == 120)
        #expect(MaintenanceWindow.minutes(of: "2:00-5:30")?.end == 330)
        #expect(MaintenanceWindow.minutes(of: " 02:00 - 05:00 ")?.end == 300)
        for bad in ["02:00", "02:00-05:00-06:00", "24:01-02:00", "02:60-03:00", "0200-0500", "02:0-03:00",
                    "02:00-02:00", "00:00-24:00", "-02:00-03:00", "aa:bb-cc:dd", ""] {
            #expect(MaintenanceWindow.minutes(of: bad) == nil, "\(bad)")
        }
    }

    // MARK: Batch sizes

    @Test func batchSizesResolveAgainstTheHostCount() {
        #expect(BatchSize.count(3).resolved(total: 10, atLeastOne: true) == 3)
        #expect(BatchSize.percent(50).resolved(total: 10, atLeastOne: true) == 5)
        // A share rounds down...
        #expect(BatchSize.percent(50).resolved(total: 5, atLeastOne: true) == 2)
        #expect(BatchSize.percent(25).resolved(total: 7, atLeastOne: false) == 1)
        // ...but a batch is never empty, while a failure budget may be zero.
        #expect(BatchSize.percent(10).resolved(total: 5, atLeastOne: true) == 1)
        #expect(BatchSize.percent(10).resolved(total: 5, atLeastOne: false) == 0)
        #expect(BatchSize.count(0).resolved(total: 5, atLeastOne: false) == 0)
        #expect(BatchSize.percent(100).resolved(total: 7, atLeastOne: true) == 7)
        #expect(BatchSize.percent(25).description == "25%")
        #expect(BatchSize.count(2).description == "2")
    }

    @Test func batchSizesAreReadAsCountsOrShares() throws {
        let runbook = try RunbookFixtures.load("""
            name: batches
            targets: {fleet: fleet}
            guards:
              - {probe: {on: fleet, run: "true"}, expect: exit == 0}
            steps:
              - {id: a, on: fleet, run: "true", serial: 1, max_fail: 0}
              - {id: b, on: fleet, run: "true", serial: 100%, max_fail: 10%}
              - {id: c, on: fleet, collect: /tmp/x, serial: "25%"}
            """)
        #expect(runbook.steps.map(\.serial) == [.count(1), .percent(100), .percent(25)])
        #expect(runbook.steps.map(\.maxFail) == [.count(0), .percent(10), nil])
    }
}
