import Foundation
import Testing
import WardenCore
import WardenTesting

/// `serial:` batches on the fleet: the guards and the `between_batches`
/// health gate are checked again before every batch after the first, and
/// the plan and the run show which hosts go in which batch.
@Suite("Serial batches")
struct BatchTests {
    /// The loopback hosts share one file system, so a file one host creates is seen by the probe on h01.
    private func breakerRunbook(in fleet: LoopbackFleet, breaker: String, log: String) throws -> String {
        try write("""
            name: breaker
            targets:
              fleet: {hosts: all, exactly: 3}
              first: {hosts: h01, exactly: 1}
            probes:
              breaker: {on: first, run: "if [ -e \(breaker) ]; then echo 'state: present'; else echo 'state: absent'; fi", parse: kv}
            guards:
              - probe: breaker
                expect: result.state == "absent"
                message: the breaker trips once a host is changed
            steps:
              - id: trip
                on: fleet
                serial: 1
                run: "echo {{ host.name }} >> \(log); touch \(breaker)"
            """, in: fleet, name: "breaker.yaml")
    }

    @Test func aGuardThatFailsAfterTheFirstBatchStopsTheRestOfTheHosts() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let breaker = fleet.directory.appendingPathComponent("breaker").path
            let log = fleet.directory.appendingPathComponent("changed.log").path
            let file = try breakerRunbook(in: fleet, breaker: breaker, log: log)
            let state = fleet.directory.appendingPathComponent("state").path

            let plan = try await warden(["plan", file, "-i", fleet.inventoryPath, "--state", state, "--output", "json"])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            let planned = try JSONDecoder().decode(Plan.self, from: Data(plan.stdout.utf8))
            #expect(planned.steps.first?.batches == [["h01"], ["h02"], ["h03"]])
            #expect(planned.steps.first?.betweenBatches == "guards re-checked")

            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            let changed = try String(contentsOfFile: log, encoding: .utf8)
            #expect(changed == "h01\n", "only the first batch was changed: \(changed)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))
            let step = try #require(report.steps.first)
            #expect(step.batches == [["h01"], ["h02"], ["h03"]])
            #expect(step.summary.contains("before batch 2 of 3"), "\(step.summary)")
            #expect(step.hosts.map(\.status) == [.ok, .notRun, .notRun])
            #expect(step.hosts.first?.batch == 1)
            #expect(step.hosts.dropFirst().allSatisfy { $0.reason == "guard failed before batch 2 of 3" })
            #expect(fleet.commands(receivedBy: fleet.hosts[1]).contains("touch") == false)
        }
    }

    @Test func theHealthGateBetweenBatchesHoldsTheNextBatchUntilItPassesAndStopsItWhenItDoesNot() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let health = fleet.directory.appendingPathComponent("health").path
            let log = fleet.directory.appendingPathComponent("changed.log").path
            try "state: ok\n".write(toFile: health, atomically: true, encoding: .utf8)
            let file = try write("""
                name: rolling
                params:
                  after: {type: string, default: ok}
                targets:
                  fleet: {hosts: all, exactly: 3}
                  first: {hosts: h01, exactly: 1}
                probes:
                  health: {on: first, run: "cat \(health)", parse: kv}
                steps:
                  - id: restart
                    on: fleet
                    serial: 34%
                    between_batches:
                      wait: {probe: health, until: 'result.state == "ok"', every: 1s, timeout: 2s}
                    run: "echo {{ host.name }} >> \(log); echo 'state: {{ params.after }}' > \(health)"
                """, in: fleet, name: "rolling.yaml")
            let state = fleet.directory.appendingPathComponent("state").path

            // Healthy after each batch: every host, one batch at a time (34% of 3 is 1).
            let plan = try await warden(["plan", file, "-i", fleet.inventoryPath, "--state", state])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("batches: [h01] [h02] [h03]"), "\(plan.stdout)")
            #expect(plan.stdout.contains("between batches: wait until result.state == \"ok\" (probe health)"), "\(plan.stdout)")
            let healthy = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
            #expect(healthy.stdout.contains("batches: [h01] [h02] [h03]"), "\(healthy.stdout)")
            #expect(try String(contentsOfFile: log, encoding: .utf8) == "h01\nh02\nh03\n")

            // The first batch leaves the cluster unhealthy: the others are never touched.
            try FileManager.default.removeItem(atPath: log)
            let sick = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "-p", "after=degraded"])
            #expect(sick.status == 1, "\(sick.stdout)\(sick.stderr)")
            #expect(try String(contentsOfFile: log, encoding: .utf8) == "h01\n")
            #expect(sick.stdout.contains("between_batches before batch 2 of 3"), "\(sick.stdout)")
            #expect(sick.stdout.contains("batches: [h01] [h02] (not run) [h03] (not run)"), "\(sick.stdout)")
        }
    }

    @Test func aHealthGateWithoutSerialIsRefusedWhereItIsWritten() async throws {
        try await withFleet(hosts: 1) { fleet in
            let file = try write("""
                name: gate
                targets:
                  fleet: {hosts: all}
                probes:
                  health: {on: fleet, run: "true"}
                steps:
                  - id: restart
                    on: fleet
                    between_batches:
                      wait: {probe: helth, until: 'exit == 0', timeout: 1m}
                    run: "true"
                """, in: fleet, name: "gate.yaml")
            let validated = try await warden(["validate", file])
            #expect(validated.status == 2, "\(validated.stdout)\(validated.stderr)")
            let output = validated.stdout + validated.stderr
            #expect(output.contains("gate.yaml:9:5: error: between_batches needs 'serial'"), "\(output)")
            #expect(output.contains("gate.yaml:10:21: error: unknown probe 'helth' in between_batches of step 'restart'"), "the unknown probe, where it is named: \(output)")
        }
    }
}
