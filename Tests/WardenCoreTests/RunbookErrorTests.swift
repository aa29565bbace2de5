import Foundation
import Testing
@testable import WardenCore

/// One test per kind of mistake in a runbook: each is reported once, as
/// `file:line:column: error: message; hint`, pointing at the exact text to
/// change.
@Suite struct RunbookErrorTests {
    private func errors(_ yaml: String) -> [String] {
        RunbookFixtures.errors(yaml)
    }

    // MARK: Everything at once

    @Test func everyMistakeIsReportedInOnePassInFileOrder() {
        let yaml = """
            name: demo
            targest: {fleet: fleet}
            params:
              n: {type: int, default: two}
            steps:
              - id: a
                on: fleet
                check: echo
                timeout: 10
              - id: a
                pause: 1s
            """
        #expect(errors(yaml) == [
            "rb.yaml:2:1: error: unknown key 'targest' at the top level of the runbook; did you mean 'targets'?",
            "rb.yaml:4:27: error: default of 'n' must be an integer, got 'two'",
            "rb.yaml:7:9: error: unknown target 'fleet'; define it under 'targets'",
            "rb.yaml:9:14: error: timeout: duration '10' has no unit; write '10s' for seconds (or use ms, m, h)",
            "rb.yaml:10:5: error: duplicate step id 'a' (first used at line 6, column 5)",
        ])
        #expect(Runbook.parse(yaml: yaml, file: "rb.yaml").runbook == nil)
    }

    @Test func warningsAloneDoNotStopTheRunbookFromLoading() throws {
        let result = Runbook.parse(yaml: """
            name: risky
            allow_self_approval: true
            params:
              flags: string
            targets: {fleet: fleet}
            steps:
              - id: restart
                on: fleet
                run: "systemctl {{ raw params.flags }} restart db"
                on_error: rollback
            """, file: "rb.yaml")
        #expect(result.errors.isEmpty)
        #expect(result.runbook?.name == "risky")
        #expect(result.runbook?.allowSelfApproval == true)
        #expect(result.diagnostics.map(\.description) == [
            "rb.yaml:2:1: warning: allow_self_approval lets whoever starts the run approve it: the gate then guards against nothing but haste",
            "rb.yaml:7:5: warning: step 'restart' changes hosts, but no guard checks the cluster before it; add a guard (a probe and what must hold) so an unhealthy cluster stops the run before the change, or say why none is needed with unguarded: \"reason\"",
            "rb.yaml:7:5: warning: step 'restart' rolls back on error, but no step up to it has an undo: a rollback would undo nothing",
            "rb.yaml:9:28: warning: raw hole '{{ raw params.flags }}' in the command of step 'restart' puts a parameter into the command unquoted: a value with ';' or '$(...)' becomes shell code; drop 'raw' unless the parameter is trusted shell text",
        ])
        #expect(result.warnings.count == 4)
    }

    /// What `plan` rejected, `validate` rejects: the fields of a step's (and
    /// a host's) result are known before any host answers.
    @Test func validateKnowsTheFieldsOfStepAndProbeResults() throws {
        #expect(errors("""
            name: fields
            targets: {fleet: fleet}
            probes:
              up: {on: fleet, run: "true"}
            steps:
              - {id: disk, on: fleet, check: "df -P", parse: table}
              - id: use
                on: fleet
                when: steps.disk.hosts[host.name].ok and probes.up.stauts == "ok"
                check: "echo {{ steps.disk.hosts[host.name].result[0] }} {{ steps.disk.stdot }}"
              - {id: quiet, on: fleet, check: "true", no_log: true}
              - {id: late, on: fleet, check: "echo {{ steps.quiet.stdout }} {{ steps.quiet.hosts['h01'].stdout_sha256 }} {{ steps.quiet.hosts['h01'].result }}"}
            """) == [
            "rb.yaml:9:39: error: a host's steps.disk has no field 'ok'; fields: exit, reason, result, status, stderr, stdout; 'ok' is the step's, not a host's: read steps.disk.ok, or steps.disk.hosts[...].exit == 0",
            "rb.yaml:9:56: error: probes.up has no field 'stauts'; did you mean 'status'?",
            "rb.yaml:10:76: error: steps.disk has no field 'stdot'; did you mean 'stdout'?",
            "rb.yaml:12:55: error: steps.quiet has no field 'stdout' (step 'quiet' is no_log: its output is not kept); fields: exit, hosts, ok, status",
            "rb.yaml:12:138: error: a host's steps.quiet has no field 'result'; fields: exit, reason, status, stderr_sha256, stdout_sha256",
        ])
    }

    /// One mistake, one error: a misspelt parser is not followed by "has no
    /// 'parse:'", and a step missing its 'on:' still has its other reads checked.
    @Test func oneMistakeGivesOneErrorAndHidesNoOther() throws {
        #expect(errors("""
            name: once
            targets: {fleet: fleet}
            steps:
              - id: disk
                on: fleet
                check: "df -P"
                parse: tabel
                expect: result[0].Capacity < 90
              - id: lost
                check: "echo {{ host.nme }}"
            """) == [
            "rb.yaml:7:12: error: unknown parser 'tabel'; did you mean 'table'?",
            "rb.yaml:9:5: error: step 'lost' needs 'on': the target it runs on; e.g. on: admin",
            "rb.yaml:10:26: error: host has no field 'nme'; did you mean 'name'?",
        ])
    }

    /// `unguarded: "reason"` acknowledges the missing guard, so the warning
    /// is not reprinted by every plan, run and resume; it must give a reason,
    /// and is itself reported where it acknowledges nothing.
    @Test func unguardedAcknowledgesAMissingGuardWithAReason() throws {
        let acknowledged = Runbook.parse(yaml: """
            name: scratch
            targets: {fleet: fleet}
            steps:
              - id: mkdir
                on: fleet
                unguarded: "creates an empty scratch folder; nothing the cluster reads"
                run: "mkdir -p /tmp/scratch"
            """, file: "rb.yaml")
        #expect(acknowledged.errors.isEmpty)
        #expect(acknowledged.diagnostics.isEmpty, "\(acknowledged.diagnostics)")
        #expect(acknowledged.runbook?.steps.first?.unguarded == "creates an empty scratch folder; nothing the cluster reads")

        let wrong = Runbook.parse(yaml: """
            name: wrong
            targets: {fleet: fleet}
            probes:
              up: {on: fleet, run: "true"}
            guards:
              - {probe: up, expect: "exit == 0"}
            steps:
              - {id: a, on: fleet, run: "x", unguarded: true}
              - {id: b, on: fleet, run: "x", unguarded: "  "}
              - {id: c, on: fleet, run: "x", readonly: true, unguarded: "reads only"}
              - {id: d, on: fleet, run: "x", unguarded: "guarded anyway"}
              - {id: e, on: fleet, check: "x", unguarded: "a check"}
            finally:
              - {id: f, on: fleet, run: "x", unguarded: "cleanup"}
            """, file: "rb.yaml")
        #expect(wrong.diagnostics.map(\.description) == [
            "rb.yaml:8:45: error: unguarded must say why no guard is needed, got true; e.g. unguarded: \"creates a scratch folder; the cluster cannot be harmed by it\"",
            "rb.yaml:9:45: error: unguarded must say why no guard is needed, got empty text; e.g. unguarded: \"creates a scratch folder; the cluster cannot be harmed by it\"",
            "rb.yaml:10:50: error: step 'c' is declared readonly: it changes nothing, so no guard is missing and 'unguarded' says nothing",
            "rb.yaml:11:5: warning: step 'd' says unguarded, but the runbook's guards are checked before it; remove 'unguarded'",
            "rb.yaml:12:36: error: 'unguarded' does not apply to a check step; it applies to 'run' steps",
            "rb.yaml:14:5: warning: step 'f' is cleanup, which guards never hold back: 'unguarded' says nothing here; remove 'unguarded'",
        ])
    }

    /// A raw hole fed by a host's output (a probe, an earlier step) or the
    /// inventory is as much shell code as one fed by a parameter; only a
    /// literal is not. Each is warned about where the hole is, saying why.
    @Test func rawHolesFedByHostOutputOrTheInventoryAreWarnedAboutToo() throws {
        let result = Runbook.parse(yaml: """
            name: raw
            targets: {fleet: fleet}
            probes:
              version: {on: fleet, run: "cat /etc/version"}
            steps:
              - id: look
                on: fleet
                check: "ls /srv"
              - id: tidy
                on: fleet
                check: "rm -f {{ raw steps.look.stdout }} {{ raw probes.version.stdout }} {{ raw host.vars.dir }} {{ raw '|' }} {{ steps.look.stdout }}"
            """, file: "rb.yaml")
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(result.warnings.map(\.description) == [
            "rb.yaml:11:26: warning: raw hole '{{ raw steps.look.stdout }}' in the command of step 'tidy' puts text from a host (what a probe or an earlier step printed) into the command unquoted: a host that prints ';' or '$(...)' has it run here as shell code; drop 'raw': quoted, the text reaches the command as one word, whatever it holds",
            "rb.yaml:11:54: warning: raw hole '{{ raw probes.version.stdout }}' in the command of step 'tidy' puts text from a host (what a probe or an earlier step printed) into the command unquoted: a host that prints ';' or '$(...)' has it run here as shell code; drop 'raw': quoted, the text reaches the command as one word, whatever it holds",
            "rb.yaml:11:86: warning: raw hole '{{ raw host.vars.dir }}' in the command of step 'tidy' puts inventory data into the command unquoted: a host name or variable with ';' or '$(...)' becomes shell code; drop 'raw' unless the inventory value is trusted shell text",
        ])
    }

    @Test func aGuardInAnIncludingRunbookProtectsTheIncludedSteps() throws {
        let files = [
            "main.yaml": """
                name: main
                targets: {fleet: fleet}
                guards:
                  - {probe: {on: fleet, run: "true"}, expect: exit == 0}
                steps:
                  - {id: sub, include: child.yaml, targets: {here: fleet}}
                """,
            "child.yaml": """
                name: child
                targets: {here: nowhere}
                steps:
                  - {id: change, on: here, run: "touch /tmp/x"}
                """,
        ]
        let result = try RunbookFixtures.withFolder(files) { folder in Runbook.load(path: folder + "/main.yaml") }
        #expect(result.diagnostics.map(\.description) == [])
    }

    // MARK: The file itself

    @Test func yamlThatIsNotARunbook() {
        #expect(errors("") == ["rb.yaml:1:1: error: the runbook is empty; it needs at least 'name' and 'steps'"])
        #expect(errors("# only a comment\n") == ["rb.yaml:1:1: error: the runbook is empty; it needs at least 'name' and 'steps'"])
        #expect(errors("- a\n- b\n") == ["rb.yaml:1:1: error: a runbook must be a mapping with 'name' and 'steps', got a list"])
        #expect(errors("summary: x\n") == [
            "rb.yaml:1:1: error: the runbook needs a 'name'",
            "rb.yaml:1:1: error: the runbook needs 'steps'",
        ])
        #expect(errors("name: x\nsteps:\n  - id: a\n\tpause: 1s\n") == [
            "rb.yaml:4:1: error: invalid YAML: found a tab character that violates indentation (while scanning a plain scalar at line 3, column 9); YAML indents with spaces, not tabs",
        ])
        #expect(errors("name: x\nname: y\nsteps: []\n") == ["rb.yaml:2:1: error: duplicate key 'name' (first defined at line 1, column 1)"])
        #expect(errors("name: x\nsteps: 3\n") == ["rb.yaml:2:8: error: steps must be a list of steps, got '3'"])
        #expect(errors("name: x\nsteps:\n  - run\n") == [
            "rb.yaml:3:5: error: each step must be a mapping with an 'id' and one of run, check, wait, approve, collect, pause, report, include, each, got 'run'",
        ])
    }

    /// libyaml notices a line that is not `key: value` only where the next
    /// token starts (the line after it); the error points at the line itself.
    @Test func aLineThatIsNotAKeyIsReportedOnItsOwnLine() {
        #expect(errors("name: x\nsteps:\n  - id: a\n    pause: 1s\n  bad\n") == [
            "rb.yaml:5:3: error: invalid YAML: could not find expected ':' (while scanning a simple key at line 5, column 3)",
        ])
    }

    @Test func unknownTopLevelKeys() {
        #expect(errors("""
            name: demo
            stesp: []
            tasks: []
            colour: red
            steps: []
            """) == [
            "rb.yaml:2:1: error: unknown key 'stesp' at the top level of the runbook; did you mean 'steps'?",
            "rb.yaml:3:1: error: unknown key 'tasks' at the top level of the runbook; Warden runbooks list their work under 'steps'",
            "rb.yaml:4:1: error: unknown key 'colour' at the top level of the runbook; allowed: name, summary, params, targets, lock, window, guards, watch, probes, defaults, steps, finally, allow_self_approval, use",
        ])
    }

    // MARK: Steps

    @Test func unknownStepKeys() {
        #expect(errors("""
            name: demo
            steps:
              - id: a
                pause: 1s
                whne: x
                frobnicate: 1
            """) == [
            "rb.yaml:5:5: error: unknown key 'whne' in step 'a'; did you mean 'when'?",
            "rb.yaml:6:5: error: unknown key 'frobnicate' in step 'a'; allowed here: id, doc, when, reason",
        ])
    }

    @Test func aKeyOfAnotherKindOfStep() {
        #expect(errors("""
            name: demo
            steps:
              - id: a
                pause: 1s
                undo: "x"
              - id: b
                approve: {}
                serial: 1
            """) == [
            "rb.yaml:5:5: error: 'undo' does not apply to a pause step; it applies to 'run' steps",
            "rb.yaml:8:5: error: 'serial' does not apply to an approve step; it applies to 'check', 'collect', 'run' steps",
        ])
    }

    @Test func aStepWithTwoKindsOrNone() {
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            steps:
              - id: c
                on: fleet
                check: "x"
                run: "y"
              - id: h
                on: fleet
                chek: x
            """) == [
            "rb.yaml:7:5: error: step 'c' has both 'check' and 'run'; a step does one thing; split it into two steps",
            "rb.yaml:8:5: error: step 'h' needs one of run, check, wait, approve, collect, pause, report, include, each; did you mean 'check'?",
        ])
    }

    @Test func stepIds() {
        #expect(errors("""
            name: demo
            steps:
              - pause: 1s
              - id:
                pause: 1s
              - id: bad-id
                pause: 1s
              - id: 1abc
                pause: 1s
            """) == [
            "rb.yaml:3:5: error: every step needs an 'id' (letters, digits, '_'): later steps, the journal and `warden resume` refer to it",
            "rb.yaml:4:8: error: step id must be a name, got nothing",
            "rb.yaml:6:9: error: invalid step id 'bad-id'; use letters, digits and '_' (not starting with a digit, at most 64); use '_' instead of '-': expressions read it as steps.bad_id",
            "rb.yaml:8:9: error: invalid step id '1abc'; use letters, digits and '_' (not starting with a digit, at most 64)",
        ])
    }

    @Test func duplicateIdsAcrossStepsAndCleanup() {
        #expect(errors("""
            name: demo
            steps:
              - id: a
                pause: 1s
              - id: a
                pause: 2s
            finally:
              - id: a
                pause: 1s
            """) == [
            "rb.yaml:5:5: error: duplicate step id 'a' (first used at line 3, column 5)",
            "rb.yaml:8:5: error: duplicate step id 'a' (first used at line 3, column 5)",
        ])
    }

    @Test func otherNamesWithADash() {
        #expect(errors("""
            name: demo
            params:
              max-qps: int
            targets:
              bad-t: {hosts: x}
            probes:
              bad-p: {on: x, run: y}
            steps: []
            """) == [
            "rb.yaml:3:3: error: invalid parameter name 'max-qps'; use letters, digits and '_' (not starting with a digit, at most 64); use '_' instead of '-': expressions read it as params.max_qps",
            "rb.yaml:5:3: error: invalid target name 'bad-t'; use letters, digits and '_' (not starting with a digit, at most 64); use '_' instead of '-', as in 'bad_t'",
            "rb.yaml:7:3: error: invalid probe name 'bad-p'; use letters, digits and '_' (not starting with a digit, at most 64); use '_' instead of '-': expressions read it as probes.bad_p",
        ])
    }

    @Test func badDurationsIntegersAndBooleans() {
        #expect(errors("""
            name: demo
            params:
              p: {type: string, required: 1}
            targets:
              fleet: {hosts: fleet, exactly: 0}
            steps:
              - id: a
                on: fleet
                check: echo
                timeout: 10
                retries: 101
                delay: soon
              - id: b
                pause: 0s
              - id: c
                approve: {quorum: 1.5, timeout: 1h}
              - id: d
                on: fleet
                run: echo
                readonly: maybe
                serial: 0
                max_fail: 200%
            """) == [
            "rb.yaml:3:31: error: required must be true or false, got '1'",
            "rb.yaml:5:34: error: exactly must be an integer, 1 or more, got '0'",
            "rb.yaml:10:14: error: timeout: duration '10' has no unit; write '10s' for seconds (or use ms, m, h)",
            "rb.yaml:11:14: error: retries must be an integer, 0...100, got '101'",
            "rb.yaml:12:12: error: delay: invalid duration 'soon'; expected a number with a unit (ms, s, m, h), like '500ms', '10s' or '1h30m'",
            "rb.yaml:14:12: error: pause must be more than zero, got '0s'",
            "rb.yaml:16:23: error: quorum must be an integer, 1...100, got '1.5'",
            "rb.yaml:20:15: error: readonly must be true or false, got 'maybe'",
            "rb.yaml:21:13: error: serial must be a number of hosts (1 or more) or a share like '25%', got '0'",
            "rb.yaml:22:15: error: max_fail must be a number of hosts (0 or more) or a share like '25%', got '200%'",
        ])
    }

    @Test func aCollectWithNothingToFetchIsReportedOnce() {
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            steps:
              - id: e
                on: fleet
                collect: []
              - id: f
                on: fleet
                collect:
              - id: g
                on: fleet
                collect: [[a]]
            """) == [
            "rb.yaml:6:14: error: collect must list at least one remote path",
            "rb.yaml:9:13: error: collect needs the remote path(s) to fetch",
            "rb.yaml:12:15: error: each entry of collect must be text, got a list",
        ])
    }

    @Test func badDefaultsAndApprovals() {
        #expect(errors("""
            name: demo
            defaults: {timeout: 0s, retries: "3", on_error: abrot}
            steps:
              - id: a
                approve: {quorum: 3, approvers: [ann]}
            """) == [
            "rb.yaml:2:21: error: timeout must be more than zero, got '0s'",
            "rb.yaml:2:34: error: retries must be an integer, 0...100, got '3'",
            "rb.yaml:2:49: error: on_error must be abort, continue or rollback, got 'abrot'; did you mean 'abort'?",
            "rb.yaml:5:26: error: quorum is 3 but only 1 approver may approve",
        ])
    }

    // MARK: Parsers

    @Test func unknownParsers() {
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            probes:
              p: {on: fleet, run: x, parse: jsn}
            steps:
              - id: a
                on: fleet
                check: x
                parse: nonsense
            """) == [
            "rb.yaml:4:33: error: unknown parser 'jsn'; did you mean 'json'?",
            "rb.yaml:9:12: error: unknown parser 'nonsense'; parsers: \(OutputParsers.names.joined(separator: ", "))",
        ])
    }

    @Test func aPatternNeedsTheRegexParser() {
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            probes:
              p: {on: fleet, run: x, pattern: "(?<a>x)"}
            steps:
              - id: a
                on: fleet
                check: x
                parse: json
                pattern: "(?<a>x)"
              - id: b
                on: fleet
                check: x
                parse: regex
            """) == [
            "rb.yaml:4:26: error: pattern needs 'parse: regex'",
            "rb.yaml:10:14: error: pattern only applies to 'parse: regex'",
            "rb.yaml:14:12: error: parse: needs a pattern with named groups, e.g. (?<used>\\d+)% used",
        ])
    }

    // MARK: Names

    @Test func unknownTargetsProbesParametersStepsAndHostFields() {
        #expect(errors("""
            name: demo
            params:
              service: string
            targets:
              fleet: {hosts: fleet}
            probes:
              load: {on: fleet, run: uptime}
            guards:
              - probe: lod
                expect: exit == 0
            steps:
              - id: first
                on: flet
                check: "echo {{ params.servce }}"
              - id: second
                on: fleet
                check: "echo {{ steps.frist.stdout }} {{ probes.laod.stdout }}"
                when: host.nmae != ""
              - id: third
                wait: {probe: lood, until: exit == 0, timeout: 1m}
            """) == [
            "rb.yaml:9:12: error: unknown probe 'lod' in a guard; did you mean 'load'?",
            "rb.yaml:13:9: error: unknown target 'flet'; did you mean 'fleet'?",
            "rb.yaml:14:28: error: unknown parameter 'servce'; did you mean 'service'?",
            "rb.yaml:17:27: error: unknown step 'frist'; did you mean 'first'?",
            "rb.yaml:17:53: error: unknown probe 'laod'; did you mean 'load'?",
            "rb.yaml:18:16: error: host has no field 'nmae'; did you mean 'name'?",
            "rb.yaml:20:19: error: unknown probe 'lood' in wait of step 'third'; did you mean 'load'?",
        ])
    }

    @Test func unknownNamesWithNothingClose() {
        #expect(errors("""
            name: demo
            params:
              a: string
            targets: {fleet: fleet}
            steps:
              - id: one
                on: elsewhere
                check: "echo {{ params.zzz }} {{ steps.zzz.ok }}"
            """) == [
            "rb.yaml:7:9: error: unknown target 'elsewhere'; targets: fleet",
            "rb.yaml:8:28: error: unknown parameter 'zzz'; params: a",
            "rb.yaml:8:44: error: unknown step 'zzz'; no step runs before this one",
        ])
    }

    // MARK: What each place may read

    @Test func aStepCannotReadALaterStep() {
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            steps:
              - id: a
                on: fleet
                when: steps.b.ok
                run: "echo {{ steps.c.stdout }}"
                undo: "echo {{ steps.b.stdout }} {{ steps.a.ok }}"
              - id: b
                on: fleet
                check: "echo"
              - id: c
                on: fleet
                check: "echo"
            finally:
              - id: y
                on: fleet
                run: "echo {{ steps.c.ok }} {{ steps.w.ok }}"
              - id: w
                pause: 1s
            """) == [
            "rb.yaml:6:17: error: when of step 'a' reads steps.b, which has not run yet at that point (it is at line 9)",
            "rb.yaml:7:25: error: the command of step 'a' reads steps.c, which has not run yet at that point (it is at line 12)",
            // An undo may read its own step, but not one after it.
            "rb.yaml:8:26: error: undo of step 'a' reads steps.b, which has not run yet at that point (it is at line 9)",
            "rb.yaml:18:42: error: the command of step 'y' reads steps.w, which has not run yet at that point (it is at line 19)",
        ])
    }

    // The column is that of `result` itself.
    @Test func resultNeedsAParser() {
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            probes:
              raw: {on: fleet, run: uptime}
            guards:
              - probe: raw
                expect: result.load < 1
            steps:
              - id: b
                on: fleet
                check: "echo"
                expect: result.x == 1
              - id: c
                wait: {probe: raw, until: result.ok, timeout: 1m}
            """) == [
            "rb.yaml:7:13: error: 'result' is only set when the output is parsed; a guard's expect has no 'parse:'; test stdout, or add e.g. 'parse: json'",
            "rb.yaml:12:13: error: 'result' is only set when the output is parsed; expect of step 'b' has no 'parse:'; test stdout, or add e.g. 'parse: json'",
            "rb.yaml:14:31: error: 'result' is only set when the output is parsed; until of step 'c' has no 'parse:'; test stdout, or add e.g. 'parse: json'",
        ])
    }

    /// Columns are those of the name itself (`host` in `host.name`).
    @Test func namesAPlaceCannotRead() {
        #expect(errors("""
            name: demo
            params:
              p: string
            targets:
              fleet: {hosts: fleet}
              named: {hosts: "{{ host.name }}"}
            lock: "lock/{{ steps.a.stdout }}"
            probes:
              q: {on: fleet, run: "echo {{ steps.a.stdout }} {{ probes.q.stdout }}"}
            steps:
              - id: a
                approve: {}
                when: host.name == "x"
              - id: b
                on: fleet
                run: "echo {{ stdout }}"
                when: exit == 0
            """) == [
            "rb.yaml:6:22: error: 'host' is not available in hosts of target 'named'; hosts of target 'named' is not evaluated per host",
            "rb.yaml:7:16: error: 'steps' is not available in the lock; the lock can read: params",
            "rb.yaml:9:32: error: 'steps' is not available in the command of probe 'q'; probes, guards and watches run on their own and cannot read step results",
            "rb.yaml:9:53: error: 'probes' is not available in the command of probe 'q'; probes, guards and watches run on their own and cannot read other probes",
            "rb.yaml:13:11: error: 'host' is not available in when of step 'a'; when of step 'a' is not evaluated per host",
            "rb.yaml:16:19: error: 'stdout' is not available in the command of step 'b'; 'stdout' is the output of a command, seen only by expect, until, guards and watches",
            "rb.yaml:17:11: error: 'exit' is not available in when of step 'b'; 'exit' is the output of a command, seen only by expect, until, guards and watches",
        ])
    }

    /// "Unknown parameter 'x'" points at the field; "'host' is not
    /// available" at `host` itself.
    @Test func aNameAPlaceCannotReadIsPointedAtItself() {
        #expect(errors("""
            name: demo
            steps:
              - id: a
                approve: {}
                when: host.name == "x"
            """) == ["rb.yaml:5:11: error: 'host' is not available in when of step 'a'; when of step 'a' is not evaluated per host"])
    }

    // MARK: Expressions

    @Test func expressionSyntaxErrorsPointIntoTheScalar() {
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            steps:
              - id: a
                on: fleet
                check: echo
                expect: "stdout == 'x' and and"
              - id: b
                on: fleet
                check: echo
                expect: stdout == 'x' or
              - id: c
                on: fleet
                check: echo
                expect: |
                  stdout == "x" and )
              - id: d
                on: fleet
                check: "echo {{ params. }}"
            """) == [
            "rb.yaml:7:32: error: expect: expected a value, got 'and'",
            "rb.yaml:11:29: error: expect: unexpected end of expression; expected a value",
            "rb.yaml:16:25: error: expect: expected a value, got ')'",
            "rb.yaml:19:28: error: check: expected a field name after '.', got the end of the expression",
        ])
    }

    /// YAML drops a block's indentation, a quote's escapes and folded line
    /// breaks on the way to the value; errors still point at the character
    /// as written (`YAMLScalarSourceMap`).
    @Test func expressionErrorsAfterTheFirstLineOfABlockOrAnEscape() {
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            steps:
              - id: c
                on: fleet
                check: |
                  echo {{ params.nope }}
                  echo {{ params.nope2 }}
            """) == [
            "rb.yaml:7:22: error: unknown parameter 'nope'; the runbook declares no params",
            "rb.yaml:8:22: error: unknown parameter 'nope2'; the runbook declares no params",
        ])
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            steps:
              - id: c
                on: fleet
                check: echo
                expect: |
                  stdout == "x" and
                    exit == 0 and )
            """) == ["rb.yaml:9:23: error: expect: expected a value, got ')'"])
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            steps:
              - id: a
                on: fleet
                check: echo
                expect: "stdout == \\"x\\" and )"
              - id: b
                on: fleet
                check: echo
                expect: 'stdout == ''x'' and )'
            """) == [
            "rb.yaml:7:34: error: expect: expected a value, got ')'",
            "rb.yaml:11:34: error: expect: expected a value, got ')'",
        ])
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            steps:
              - id: b
                on: fleet
                check: echo
                expect: >
                  stdout == "x" and
                  exit == 0 and )
              - id: c
                on: fleet
                check: echo
                expect: stdout == "x" and
                  exit == 0 and )
            """) == [
            "rb.yaml:9:21: error: expect: expected a value, got ')'",
            "rb.yaml:14:21: error: expect: expected a value, got ')'",
        ])
    }

    @Test func conditionsAreWrittenWithoutBraces() {
        #expect(errors("""
            name: demo
            params:
              threshold: {type: int, default: 1}
            targets: {fleet: fleet}
            steps:
              - id: d
                on: fleet
                check: echo
                when: "{{ params.threshold > 1 }}"
                expect: "{{ exit }} == {{ 0 }}"
            """) == [
            "rb.yaml:9:12: error: when is an expression; write it without '{{ }}'; write when: params.threshold > 1",
            "rb.yaml:10:14: error: expect is an expression; write it without '{{ }}'; e.g. expect: params.mode == \"fast\"",
        ])
    }

    @Test func parameterOnlyExpressionsAreTypeChecked() {
        #expect(errors("""
            name: demo
            params:
              threshold: {type: int, default: 1}
              label: string
            targets:
              fleet: {hosts: "{{ params.label + params.threshold }}"}
            steps:
              - id: f
                on: fleet
                check: echo
                when: params.threshold > "x"
              - id: g
                on: fleet
                check: echo
                when: params.threshold
              - id: h
                on: fleet
                check: echo
                when: params.threshold / 0 == 1 or params.label == "x"
            """) == [
            "rb.yaml:6:35: error: hosts of target 'fleet': cannot apply '+' to string and int",
            "rb.yaml:11:28: error: when of step 'f': cannot compare int with string using '>'; only two numbers, two strings or two durations can be ordered; convert with int(), float() or str()",
            "rb.yaml:15:11: error: when of step 'g' must be true or false, but 'params.threshold' gives int",
        ])
    }

    // MARK: Steps that cannot work

    @Test func waitingForAWindowThatIsNotThere() {
        #expect(errors("""
            name: demo
            targets: {fleet: fleet}
            probes:
              p: {on: fleet, run: x}
            steps:
              - id: e
                wait: {probe: p, until: exit == 0, timeout: window}
            """) == [
            "rb.yaml:6:5: error: wait of step 'e' lasts until the window ends, but the runbook has no window; add window: {between: \"02:00-05:00\", timezone: UTC}, or give the timeout as a duration",
        ])
    }

    @Test func cleanupCannotWaitForApprovalOrInclude() {
        #expect(errors("""
            name: demo
            steps: []
            finally:
              - id: z
                approve: {}
              - id: sub
                include: x.yaml
            """) == [
            "rb.yaml:5:5: error: finally cannot wait for approval: cleanup must always be able to run",
            "rb.yaml:7:5: error: finally cannot include a runbook; list the cleanup steps themselves",
        ])
    }

    @Test func badWindows() {
        func windowErrors(_ window: String) -> [String] {
            errors("name: w\nwindow: \(window)\nsteps: []\n")
        }
        #expect(windowErrors(#"{between: "25:00-02:00", timezone: UTC}"#) == [
            "rb.yaml:2:19: error: between must be \"HH:MM-HH:MM\" with different start and end, got '25:00-02:00'; a range that ends before it starts wraps past midnight, e.g. \"22:00-02:00\"",
        ])
        #expect(windowErrors(#"{between: "02:00-05:00", timezone: Europe/Berlinn}"#) == [
            "rb.yaml:2:44: error: unknown time zone 'Europe/Berlinn'; did you mean 'Europe/Berlin'?",
        ])
        #expect(windowErrors(#""02:00-05:00""#) == [
            "rb.yaml:2:9: error: window must be a mapping with 'between' and 'timezone', got '02:00-05:00'; e.g. window: {between: \"02:00-05:00\", timezone: Asia/Shanghai}",
        ])
        #expect(windowErrors(#"{between: "{{ params.window }}", timezone: UTC}"#).first?.hasPrefix("rb.yaml:2:30: error: unknown parameter 'window'") == true,
                "\(windowErrors(#"{between: "{{ params.window }}", timezone: UTC}"#))")
        #expect(windowErrors(#"{between: "02:00-03:00", timezone: UTC, cleanup_reserve: 1h}"#) == [
            "rb.yaml:2:66: error: cleanup_reserve (1h) leaves no time for the steps in a 1h window",
        ])
        #expect(windowErrors(#"{between: "02:00-05:00"}"#) == [
            "rb.yaml:2:9: error: window needs both 'between' (\"HH:MM-HH:MM\") and 'timezone' (an IANA name such as UTC or Asia/Shanghai)",
        ])
    }

    // MARK: Parameters

    @Test func parametersThatCannotWork() {
        #expect(errors("""
            name: demo
            params:
              s: {type: string, secret: true, default: "pw"}
              r: {type: string, required: true, default: "x"}
              e: {type: enum, values: [a, b], default: c}
              q: {type: strng}
              m: {type: enum}
              t: {type: int, values: [a]}
              u: {}
            steps: []
            """) == [
            "rb.yaml:3:35: error: secret parameter 's' must not have a default: it would sit in the runbook in clear; pass it with --params FILE or from the environment",
            "rb.yaml:4:37: error: parameter 'r' is required, so its default would never be used; drop 'required: true' or the default",
            "rb.yaml:5:44: error: default of 'e' must be one of 'a', 'b', got 'c'",
            "rb.yaml:6:13: error: unknown parameter type 'strng'; did you mean 'string'?",
            "rb.yaml:7:13: error: type enum needs 'values', the words it may take; e.g. values: [steady, lively]",
            "rb.yaml:8:18: error: values only apply to 'type: enum'",
            "rb.yaml:9:3: error: parameter 'u' needs a type (string, int, number, bool, duration, list, enum)",
        ])
    }

    @Test func anAliasBombInADefaultIsStoppedAtTheValue() {
        var lines = ["name: bomb", "params:", "  p0: {type: list, default: &a0 [x, x, x, x, x, x, x, x, x, x]}"]
        for level in 1...6 {
            lines.append("  p\(level): {type: string, default: &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]}")
        }
        lines.append("steps: []")
        let found = errors(lines.joined(separator: "\n"))
        // p1...p4 are small enough to convert and are simply not text; p5
        // (a million nodes, counting what came before) is where the budget
        // runs out, and the error says so at p5, not at the anchor on line 3.
        #expect(found.count == 6)
        #expect(found.prefix(4).allSatisfy { $0.hasSuffix("must be text, got a list") })
        #expect(found.dropFirst(4) == [
            "rb.yaml:8:31: error: value is too large: more than 1000000 YAML nodes; is an alias expanding many times?",
            "rb.yaml:9:31: error: value is too large: more than 1000000 YAML nodes; is an alias expanding many times?",
        ])
    }

    // MARK: Includes

    @Test func includeCycles() throws {
        let files = [
            "a.yaml": "name: a\nsteps:\n  - id: to_b\n    include: b.yaml\n",
            "b.yaml": "name: b\nsteps:\n  - id: to_a\n    include: a.yaml\n",
            "self.yaml": "name: self\nsteps:\n  - id: me\n    include: ./self.yaml\n",
        ]
        let found = try RunbookFixtures.withFolder(files) { folder in
            [Runbook.load(path: folder + "/a.yaml"), Runbook.load(path: folder + "/self.yaml")].map { result in
                result.errors.map { error in
                    "\((error.problem.location?.file ?? "?").split(separator: "/").last ?? ""):\(error.problem.location?.line ?? 0):\(error.problem.location?.column ?? 0): \(error.problem.message); \(error.problem.hint ?? "")"
                }
            }
        }
        #expect(found == [
            ["b.yaml:4:14: including 'a.yaml' here would include it inside itself; include chain: a.yaml -> b.yaml -> a.yaml"],
            ["self.yaml:4:14: including './self.yaml' here would include it inside itself; include chain: self.yaml -> self.yaml"],
        ])
    }

    @Test func includeOfAMissingFile() throws {
        let found = try RunbookFixtures.withFolder(["main.yaml": "name: m\nsteps:\n  - id: gone\n    include: nothere.yaml\n"]) { folder in
            (folder, Runbook.load(path: folder + "/main.yaml").errors.map(\.description))
        }
        #expect(found.1 == ["\(found.0)/main.yaml:4:14: error: include: runbook '\(found.0)/nothere.yaml' does not exist"])
    }

    @Test func includeArgumentsAndTargets() throws {
        let files = [
            "child.yaml": """
                name: child
                params:
                  need: {type: string, required: true}
                  n: {type: int, default: 1}
                targets:
                  here: {hosts: nowhere}
                steps:
                  - {id: x, on: here, check: echo}
                """,
            "main.yaml": """
                name: main
                params:
                  svc: string
                targets:
                  fleet: fleet
                steps:
                  - id: c1
                    include: child.yaml
                    params: {nede: "v", need: "w"}
                  - id: c2
                    include: child.yaml
                    params: {need: "ok", n: "two"}
                  - id: c3
                    include: child.yaml
                  - id: c4
                    include: child.yaml
                    params: {need: "{{ params.sv }}"}
                    targets: {nope: fleet, here: flet}
                """,
        ]
        let found = try RunbookFixtures.withFolder(files) { folder in
            Runbook.load(path: folder + "/main.yaml").errors.map { error in
                "\(error.problem.location.map { "\($0.line):\($0.column)" } ?? "-"): \(error.problem.message)\(error.problem.hint.map { "; \($0)" } ?? "")"
            }
        }
        #expect(found == [
            "9:14: the included runbook has no parameter 'nede'; did you mean 'need'?",
            "12:29: parameter 'n' of the included runbook must be an integer, got 'two'",
            "13:5: the included runbook requires parameter 'need'; add it under the include's params",
            "17:31: unknown parameter 'sv'; did you mean 'svc'?",
            "18:15: the included runbook has no target 'nope'; its targets: here",
            // Reported where the including runbook names it, in its own words.
            "18:34: unknown target 'flet'; did you mean 'fleet'?",
        ])
    }

    @Test func mistakesInAnIncludedRunbookPointIntoIt() throws {
        let files = [
            "child.yaml": "name: child\nsteps:\n  - id: x\n    pause: soon\n",
            "main.yaml": "name: main\nsteps:\n  - id: sub\n    include: child.yaml\n",
        ]
        let found = try RunbookFixtures.withFolder(files) { folder in
            Runbook.load(path: folder + "/main.yaml").errors.map { error in
                "\(error.problem.location.map { "\(($0.file as NSString).lastPathComponent):\($0.line):\($0.column)" } ?? "-"): \(error.problem.message)"
            }
        }
        #expect(found == ["child.yaml:4:12: pause: invalid duration 'soon'; expected a number with a unit (ms, s, m, h), like '500ms', '10s' or '1h30m'"])
    }

    @Test func aRunbookFileThatCannotBeRead() throws {
        let found = try RunbookFixtures.withFolder([:]) { folder in
            (folder, Runbook.load(path: folder + "/none.yaml"), Runbook.load(path: folder))
        }
        #expect(found.1.runbook == nil)
        #expect(found.1.diagnostics.map(\.description) == ["error: runbook '\(found.0)/none.yaml' does not exist"])
        #expect(found.2.diagnostics.map(\.description) == ["error: '\(found.0)' is a folder, not a runbook"])
    }
}
