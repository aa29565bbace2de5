import Foundation
import Testing
import WardenCore
import WardenTesting

/// `warden plan` against the loopback fleet, with every command each host
/// receives logged on the host (`--log-commands`): the plan must decide from
/// real probe data, and nothing mutating may ever reach a host.
@Suite("warden plan, the dry run")
struct PlanCommandTests {
    static let runbook = """
        name: restart-if-needed
        params:
          dir: {type: string, required: true}
          service: {type: string, default: "svc; touch INJECTED"}
        targets:
          fleet: {hosts: fleet, at_least: 2}
        probes:
          state: {on: fleet, run: "cat {{ params.dir }}/hosts/{{ host.name }}/state.json", parse: json}
        guards:
          - probe: state
            expect: result.healthy
            message: every node must report healthy
        steps:
          - id: version
            on: fleet
            check: "echo READ-VERSION-{{ host.name }}"
            expect: stdout != ""
          - id: restart
            on: fleet
            when: probes.state.hosts[host.name].result.needs_restart
            run: "echo MUTATE-RESTART {{ params.service }} > {{ params.dir }}/hosts/{{ host.name }}/restarted"
          - id: after
            on: fleet
            when: steps.restart.ok
            run: "echo MUTATE-AFTER"
        finally:
          - id: note
            on: fleet
            run: "echo MUTATE-CLEANUP"
        """

    /// Writes each host's state file (what the probe reads) and the runbook.
    private func prepare(_ fleet: LoopbackFleet, healthy: [String: Bool] = [:]) throws -> String {
        let needsRestart = ["h01": true, "h02": false, "h03": true]
        for host in fleet.hosts {
            let state = "{\"needs_restart\": \(needsRestart[host.name] ?? false), \"healthy\": \(healthy[host.name] ?? true)}\n"
            try state.write(to: fleet.directory.appendingPathComponent("hosts/\(host.name)/state.json"), atomically: true, encoding: .utf8)
        }
        let path = fleet.directory.appendingPathComponent("restart.yaml").path
        try PlanCommandTests.runbook.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func decode(_ output: ProcessOutput) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: Data(output.stdout.utf8))
    }

    private func assertNothingMutatingReached(_ fleet: LoopbackFleet) {
        for host in fleet.hosts {
            let received = fleet.commands(receivedBy: host)
            #expect(!received.contains("MUTATE"), "\(host.name) received a mutating command: \(received)")
            #expect(!FileManager.default.fileExists(atPath: fleet.directory.appendingPathComponent("hosts/\(host.name)/restarted").path))
        }
    }

    @Test func decidesPerHostFromRealProbeDataAndSendsNothingMutating() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let file = try prepare(fleet)
            let dir = fleet.directory.path
            let arguments = ["plan", file, "-i", fleet.inventoryPath, "-p", "dir=\(dir)", "--output", "json"]
            let output = try await warden(arguments)
            #expect(output.status == 0, "\(output.stderr)")
            let plan = try decode(output)
            #expect(plan.verdict == .proceeds)
            #expect(plan.guards.map(\.status) == [.holds])

            let version = try #require(plan.steps.first { $0.id == "version" })
            #expect(version.status == .passed)
            #expect(version.hosts.map(\.status) == [.passed, .passed, .passed])

            let restart = try #require(plan.steps.first { $0.id == "restart" })
            #expect(restart.status == .willRun)
            #expect(restart.hosts.map(\.host) == ["h01", "h02", "h03"])
            #expect(restart.hosts.map(\.status) == [.willRun, .skipped, .willRun])
            #expect(restart.hosts[0].command == "echo MUTATE-RESTART 'svc; touch INJECTED' > \(dir)/hosts/h01/restarted")
            #expect(restart.hosts[1].reason == "when probes.state.hosts[host.name].result.needs_restart is false")

            let after = try #require(plan.steps.first { $0.id == "after" })
            #expect(after.status == .unknown)
            #expect(after.hosts.allSatisfy { $0.waitsOn == "restart" })
            #expect(plan.cleanup.map(\.status) == [.willRun])

            // On the hosts: the probe and the check arrived, nothing mutating did.
            for host in fleet.hosts {
                let received = fleet.commands(receivedBy: host)
                #expect(received.contains("cat \(dir)/hosts/\(host.name)/state.json"), "\(host.name): \(received)")
                #expect(received.contains("READ-VERSION-\(host.name)"))
            }
            assertNothingMutatingReached(fleet)

            // The hash is a function of what would run: the same inputs give
            // the same hash, another parameter value another one.
            let again = try decode(try await warden(arguments))
            #expect(again.hash == plan.hash)
            #expect(plan.hash.hasPrefix("sha256:") && plan.hash.count == 71)
            let other = try decode(try await warden(arguments + ["-p", "service=other"]))
            #expect(other.hash != plan.hash)
        }
    }

    @Test func aFailingGuardBlocksTheRunBeforeAnyChange() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let file = try prepare(fleet, healthy: ["h02": false])
            let output = try await warden(["plan", file, "-i", fleet.inventoryPath, "-p", "dir=\(fleet.directory.path)"])
            #expect(output.status == 3, "\(output.stdout)\(output.stderr)")
            #expect(output.stdout.contains("[fails] result.healthy"))
            #expect(output.stdout.contains("h02: does not hold"))
            #expect(output.stdout.contains("The run would be BLOCKED: guard at \(file):10:5 fails (every node must report healthy)"))
            #expect(output.stdout.contains("2. restart [run, mutating on fleet] NOT-REACHED"))
            assertNothingMutatingReached(fleet)
        }
    }

    @Test func offlineReachesNoHostAtAll() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let file = try prepare(fleet)
            let output = try await warden(["plan", file, "-i", fleet.inventoryPath, "-p", "dir=\(fleet.directory.path)", "--offline", "--output", "json"])
            #expect(output.status == 0, "\(output.stderr)")
            let plan = try decode(output)
            #expect(plan.offline)
            #expect(plan.probeRuns.isEmpty)
            let restart = try #require(plan.steps.first { $0.id == "restart" })
            #expect(restart.hosts.map(\.status) == [.unknown, .unknown, .unknown])
            #expect(restart.hosts[0].reason == "reads probe 'state'; probes are not run offline")
            for host in fleet.hosts {
                #expect(fleet.commands(receivedBy: host).isEmpty)
            }
        }
    }

    @Test func refusesBadInputBeforeReachingAHost() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let file = try prepare(fleet)
            let inventory = fleet.inventoryPath

            let missing = try await warden(["plan", file, "-i", inventory])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("missing required parameter 'dir': give it with -p dir=VALUE"))

            let typo = try await warden(["plan", file, "-i", inventory, "-p", "dir=/x", "-p", "servce=a"])
            #expect(typo.status == 2)
            #expect(typo.stderr.contains("-p servce: the runbook has no parameter 'servce'; did you mean 'service'?"))

            let narrow = fleet.directory.appendingPathComponent("narrow.yaml").path
            try PlanCommandTests.runbook.replacingOccurrences(of: "at_least: 2", with: "exactly: 1")
                .write(toFile: narrow, atomically: true, encoding: .utf8)
            let tooMany = try await warden(["plan", narrow, "-i", inventory, "-p", "dir=/x"])
            #expect(tooMany.status == 2)
            #expect(tooMany.stderr.contains("\(narrow):6:3: target 'fleet' (hosts: fleet) must select exactly 1 host, but selects 3: h01, h02, h03"))

            for host in fleet.hosts {
                #expect(fleet.commands(receivedBy: host).isEmpty)
            }
        }
    }

    /// Issue 12, finding 3: a parameter that erased its line, wrote
    /// "tag=harmless" over it and hid the rest made the plan an approver
    /// reads differ from the plan that runs. Its escapes are shown instead,
    /// in the parameters and in the command; the JSON plan keeps the value.
    @Test func aParameterCannotForgeThePlanItIsShownIn() async throws {
        try await withFleet(hosts: 1) { fleet in
            let file = fleet.directory.appendingPathComponent("tagged.yaml").path
            try """
                name: tagged
                params:
                  tag: {type: string, required: true}
                targets:
                  one: {hosts: h01, exactly: 1}
                steps:
                  - id: label
                    on: one
                    check: "echo {{ params.tag }}"
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let forged = "x\u{1B}[2K\rtag=harmless\u{1B}[8m"
            let output = try await warden(["plan", file, "-i", fleet.inventoryPath, "-p", "tag=\(forged)"])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains(#"  params:  tag=x\x1b[2K\rtag=harmless\x1b[8m"#), "\(output.stdout)")
            #expect(output.stdout.contains(#"$ echo 'x\x1b[2K\rtag=harmless\x1b[8m'"#), "\(output.stdout)")
            #expect(!output.stdout.utf8.contains(0x1B) && !output.stdout.utf8.contains(0x0D), "\(output.stdout)")
            #expect(!output.stderr.utf8.contains(0x1B) && !output.stderr.utf8.contains(0x0D), "\(output.stderr)")

            let json = try await warden(["plan", file, "-i", fleet.inventoryPath, "-p", "tag=\(forged)", "--output", "json"])
            #expect(try decode(json).parameters.map(\.value) == [forged])
        }
    }

    @Test func secretsStayOffTheCommandLineAndOutOfThePlan() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let file = fleet.directory.appendingPathComponent("secret.yaml").path
            try """
                name: secret
                params:
                  token: {type: string, secret: true, required: true}
                targets:
                  one: {hosts: h01, exactly: 1}
                steps:
                  - id: use
                    on: one
                    run: "curl -H {{ params.token }} http://127.0.0.1/"
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let onArgv = try await warden(["plan", file, "-i", fleet.inventoryPath, "-p", "token=hunter2"])
            #expect(onArgv.status == 2)
            #expect(onArgv.stderr.contains("'token' is a secret and must not be on the command line"))
            #expect(!onArgv.stderr.contains("hunter2"))

            let state = fleet.directory.appendingPathComponent("state").path
            let output = try await warden(["plan", file, "-i", fleet.inventoryPath, "--state", state, "--output", "json"],
                                          environment: ["WARDEN_PARAM_TOKEN": "hunter2 x"])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(!output.stdout.contains("hunter2"))
            let plan = try decode(output)
            #expect(plan.parameters.map(\.value) == ["<secret>"])
            #expect(plan.steps[0].hosts[0].command == "curl -H <secret> http://127.0.0.1/")
            #expect(!output.stderr.contains("hunter2"))
        }
    }

    /// Issue 12, finding 5: the secret's value is bound into the plan hash
    /// (by a digest keyed with the operator's key in the state folder), so an
    /// approval given for one value does not hold for another.
    @Test func twoPlansThatDifferOnlyInASecretHaveDifferentHashes() async throws {
        try await withFleet(hosts: 1) { fleet in
            let file = try write("""
                name: bound
                params:
                  token: {type: string, secret: true, required: true}
                targets:
                  one: {hosts: h01, exactly: 1}
                steps:
                  - id: use
                    on: one
                    run: "curl -H {{ params.token }} http://127.0.0.1/"
                """, in: fleet, name: "bound.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            func plan(_ token: String) async throws -> Plan {
                let output = try await warden(["plan", file, "-i", fleet.inventoryPath, "--state", state, "--output", "json"],
                                              environment: ["WARDEN_PARAM_TOKEN": token])
                #expect(output.status == 0, "\(output.stderr)")
                #expect(!output.stdout.contains(token) && !output.stderr.contains(token))
                return try decode(output)
            }
            let first = try await plan("hunter2"), other = try await plan("hunter3"), again = try await plan("hunter2")
            // Everything shown is the same, but the hash is not.
            #expect(first.steps[0].hosts[0].command == other.steps[0].hosts[0].command)
            #expect(first.hash != other.hash)
            #expect(first.hash == again.hash)
            #expect(first.parameters[0].digest != nil && first.parameters[0].digest != other.parameters[0].digest)
            let key = state + "/secret-digest-\(getuid()).key"
            let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    /// Issue 12, finding 5: redaction masks any text equal to a secret; the
    /// plan says when that hid a value that is not a secret, and still exits 0.
    @Test func thePlanSaysWhenItMasksAValueThatIsNoSecret() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let file = try write("""
                name: lookalike
                params:
                  token: {type: string, secret: true, required: true}
                  table: {type: string, required: true}
                targets:
                  one: {hosts: h01, exactly: 1}
                steps:
                  - id: use
                    on: one
                    run: "curl -H {{ params.token }} http://127.0.0.1/"
                  - id: drop
                    on: one
                    run: "echo MUTATE-DROP {{ params.table }}"
                """, in: fleet, name: "lookalike.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let arguments = ["plan", file, "-i", fleet.inventoryPath, "--state", state, "-p", "table=orders_prod"]
            let text = try await warden(arguments, environment: ["WARDEN_PARAM_TOKEN": "orders_prod"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("  params:  token=<secret>, table=<secret>\n"), "\(text.stdout)")
            #expect(text.stdout.contains(
                "  note:    parameter 'table' is shown as <secret> because its value equals the value of secret 'token'; it is not a secret itself\n"),
                "\(text.stdout)")
            #expect(text.stdout.contains(
                "  note:    step 'drop' on h01: the command shows <secret> where text that is not a secret parameter equals the value of secret 'token'\n"),
                "\(text.stdout)")
            #expect(!text.stdout.contains("step 'use'"), "\(text.stdout)")
            #expect(!text.stdout.contains("orders_prod"))
            let json = try await warden(arguments + ["--output", "json"], environment: ["WARDEN_PARAM_TOKEN": "orders_prod"])
            #expect(json.status == 0, "\(json.stderr)")
            #expect(try decode(json).secretMasks?.map(\.secrets) == [["token"], ["token"]])
            // Without the look-alike, no note.
            let plain = try await warden(["plan", file, "-i", fleet.inventoryPath, "--state", state, "-p", "table=orders"],
                                         environment: ["WARDEN_PARAM_TOKEN": "orders_prod"])
            #expect(plain.status == 0 && !plain.stdout.contains("note:"), "\(plain.stdout)")
            assertNothingMutatingReached(fleet)
        }
    }
}
