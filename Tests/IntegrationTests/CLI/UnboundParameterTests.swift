import Foundation
import Testing
import WardenCore
import WardenTesting

/// Issue 14, item 6: a parameter a command will read must have a value
/// before anything reaches a host, not be found missing halfway through a
/// change; and a missing secret is asked for where secrets are given.
@Suite("Parameters a run will need")
struct UnboundParameterTests {
    /// `use` waits on `prepare`'s outcome, so the plan cannot render its command
    /// (it shows it as unknown): the case that used to plan as "would proceed".
    private func runbook(in fleet: LoopbackFleet, log: String, required: Bool = false, when: String = "steps.prepare.ok") throws -> String {
        try write("""
            name: rotate
            params:
              token: {type: string, secret: true\(required ? ", required: true" : "")}
            targets:
              fleet: {hosts: all, at_least: 1}
            steps:
              - id: prepare
                on: fleet
                run: "echo prepared-{{ host.name }} >> \(log)"
              - id: use
                on: fleet
                when: \(when)
                run: "echo {{ params.token }} > /dev/null; echo used-{{ host.name }} >> \(log)"
            """, in: fleet, name: "rotate.yaml")
    }

    @Test func anOptionalSecretACommandReadsMustBeGivenBeforeAnyHostIsTouched() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let log = fleet.directory.appendingPathComponent("changed.log").path
            let file = try runbook(in: fleet, log: log)
            let state = fleet.directory.appendingPathComponent("state").path

            let plan = try await warden(["plan", file, "-i", fleet.inventoryPath, "--state", state])
            #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stderr.contains("rotate.yaml:13:26: with the parameters given: step 'use' reads params.token, which has no value (an optional secret without a default)"),
                    "\(plan.stderr)")
            #expect(plan.stderr.contains("--params FILE or in WARDEN_PARAM_TOKEN"), "\(plan.stderr)")

            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(run.status == 2, "\(run.stdout)\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: log), "no host was changed")
            for host in fleet.hosts { #expect(!fleet.commands(receivedBy: host).contains("prepared-")) }

            let given = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"],
                                         environment: ["WARDEN_PARAM_TOKEN": "s3cret-value"])
            #expect(given.status == 0, "\(given.stdout)\(given.stderr)")
            #expect(try String(contentsOfFile: log, encoding: .utf8).components(separatedBy: "used-").count == 4)
        }
    }

    @Test func aStepWhoseWhenReadsTheParameterDecidesForItself() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let log = fleet.directory.appendingPathComponent("changed.log").path
            let file = try runbook(in: fleet, log: log, when: "steps.prepare.ok and params.token != null")
            let state = fleet.directory.appendingPathComponent("state").path
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(try String(contentsOfFile: log, encoding: .utf8) == "prepared-h01\n")
        }
    }

    @Test func aMissingRequiredSecretIsAskedForWhereSecretsAreGiven() async throws {
        try await withFleet(hosts: 1) { fleet in
            let log = fleet.directory.appendingPathComponent("changed.log").path
            let file = try runbook(in: fleet, log: log, required: true)
            let plan = try await warden(["plan", file, "-i", fleet.inventoryPath, "--offline"])
            #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stderr.contains("missing required parameter 'token': give it in a --params FILE or in WARDEN_PARAM_TOKEN"), "\(plan.stderr)")
            #expect(!plan.stderr.contains("-p token="), "\(plan.stderr)")
        }
    }
}
