import Foundation
import Testing
import WardenTesting

/// A message is said once where it is read: a timed-out host's message once
/// in the report (and once in the live progress), no doubled prefixes, and a
/// guard warning the runbook acknowledged with `unguarded:` not reprinted.
@Suite("Noise")
struct NoiseTests {
    @Test func aTimeoutIsReportedOncePerHostWithoutADoubledName() async throws {
        try await withFleet(hosts: 2) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let marker = uniqueSleepSeconds()
            let file = try write("""
                name: slow
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: slow
                    on: fleet
                    timeout: 1s
                    unguarded: "sleeps; changes nothing the cluster reads"
                    run: "sleep \(marker)"
                """, in: fleet, name: "slow.yaml")
            let ran = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(ran.status == 1)
            for host in fleet.hosts {
                let message = "still running after 1s"
                let hostLines = ran.stdout.split(separator: "\n").filter { $0.contains(message) }
                #expect(hostLines.count == 2, "one line per host in the report: \(ran.stdout)")
                #expect(ran.stdout.contains("      \(host.name): failed (command timed out: still running after 1s;"), "\(ran.stdout)")
                #expect(ran.stderr.components(separatedBy: "\(host.name): failed (command timed out").count == 2, "\(ran.stderr)")
                #expect(!ran.stdout.contains("\(host.name): \(host.name)") && !ran.stderr.contains("\(host.name): \(host.name)"))
            }
            #expect(ran.stdout.contains("Run FAILED: step 'slow' failed: failed on 2 hosts: h01 (command timed out), h02 (command timed out); cleanup ran."),
                    "\(ran.stdout)")
            // Acknowledged by unguarded: no warning on this run.
            #expect(!ran.stderr.contains("warning:"), "\(ran.stderr)")
        }
    }

    @Test func anErrorThatSaysErrorIsNotPrefixedTwice() async throws {
        let missing = "/nonexistent-\(UUID().uuidString)/inventory.yaml"
        let run = try await warden(["exec", "-i", missing, "all", "--", "true"])
        #expect(run.status == 2)
        #expect(run.stderr == "error: inventory file '\(missing)' does not exist\n", "\(run.stderr)")
    }
}
