import Foundation
import Testing
import WardenCore
import WardenTesting

/// `warden cancel`: another terminal asks, through the state folder's journal, that a run stop;
/// the `warden run` carrying it stops at its next lease renewal as at Ctrl-C (the remote command
/// killed, cleanup run) and its end says who asked and why.
@Suite("warden cancel")
struct CancelCommandTests {
    @Test func aRunAtAnotherTerminalStopsWithItsCleanupAndSaysWhoCancelledIt() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let inventory = try fleet.writeInventory(named: "cancel-inventory.yaml", groups: ["admin"])
            let file = try write("""
                name: long-change
                targets:
                  admin: {hosts: admin, exactly: 1}
                steps:
                  - id: long
                    on: admin
                    run: "sleep 120"
                    unguarded: the test's own host
                finally:
                  - id: tidy
                    on: admin
                    run: "echo tidied"
                    unguarded: the test's own host
                """, in: fleet, name: "long-change.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let background = try BackgroundWarden.start(["run", file, "-i", inventory, "--state", state, "--yes"],
                                                        launcher: ["/usr/bin/setsid", "--wait"], keepStandardError: true)
            let run = try await awaitRun(in: state, "the long step's intent") { _, events in
                events.contains { $0.kind == .intent && $0.step == "long" }
            }

            #expect(try await warden(["cancel", run.id, "--state", state]).status == 2, "--reason is required")
            #expect(try await warden(["cancel", run.id, "--reason", "  ", "--state", state]).status == 2)
            #expect(try await warden(["cancel", "20250101-000000-dead", "--reason", "x", "--state", state]).status == 2)
            let asked = try await warden(["cancel", run.id, "--reason", "wrong host", "--state", state])
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(asked.stdout.contains("Asked run \(run.id)") && asked.stdout.contains(run.controller), "\(asked.stdout)")

            let (status, stderr) = try await background.finish()
            #expect(status == 1, "\(stderr)")
            let me = OperatingSystemUser.name
            #expect(stderr.contains("cancelled by \(me): wrong host"), "\(stderr)")
            let ended = try #require(try await Journal.open(directory: state).run(run.id))
            #expect(ended.status != .running && ended.reason?.hasPrefix("cancelled by \(me): wrong host") == true, "\(ended)")
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).contains("echo tidied"), "the cleanup ran")
            let again = try await warden(["cancel", run.id, "--reason", "again", "--state", state])
            #expect(again.status == 1 && again.stderr.contains("already ended"), "\(again.stderr)")
        }
    }
}
