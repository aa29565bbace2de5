import Foundation
import Testing
import WardenCore
import WardenTesting

/// The confirmation `warden run` asks for on a terminal.
@Suite("Confirming a run")
struct RunConfirmationTests {
    @Test func aPlanTheOperatorDoesNotConfirmIsJournaledAsDenied() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let file = try write("""
                name: confirmed-change
                targets:
                  one: {hosts: h01, exactly: 1}
                steps:
                  - id: change
                    on: one
                    unguarded: a test
                    run: "echo MUTATE-CHANGE"
                """, in: fleet, name: "confirmed.yaml")
            // script(1) gives warden a real pseudo-terminal, where it asks; the operator answers no.
            let command = "\(try wardenBinary()) run \(file) -i \(fleet.inventoryPath) --state \(state)"
            let run = try await runProcess("/usr/bin/script", ["-qec", command, "/dev/null"],
                                           environment: ProcessInfo.processInfo.environment.merging(["TERM": "xterm"]) { $1 },
                                           input: "no\n")
            #expect(run.status == 1, "\(run.stdout)")
            #expect(run.stdout.contains("Not started: nothing was changed."), "\(run.stdout)")
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("MUTATE-CHANGE"))
            let journal = try await Journal.open(directory: state)
            let journaled = try #require(try await journal.runs().first)
            #expect(journaled.status == .ended(.denied))
            #expect(journaled.plan != nil)
        }
    }
}
