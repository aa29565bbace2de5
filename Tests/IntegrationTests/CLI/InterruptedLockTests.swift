import Foundation
import Testing
import WardenCore
import WardenTesting

@Suite("A run's lock after Ctrl-C")
struct InterruptedLockTests {
    @Test func ctrlCStillRemovesTheLockDirectoryOnTheLockHost() async throws {
        try await withFleet(hosts: 1) { fleet in
            let inventory = try fleet.writeInventory(named: "locked-inventory.yaml", groups: ["admin"])
            let file = try write("""
                name: locked
                targets:
                  admin: {hosts: admin, exactly: 1}
                lock: {name: interrupted, on: admin}
                steps:
                  - id: long
                    on: admin
                    run: "sleep 40"
                """, in: fleet, name: "locked.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let locks = fleet.stateFolder(of: fleet.hosts[0]) + "/locks"
            // setsid: no controlling terminal, as under a service manager.
            let background = try BackgroundWarden.start(["run", file, "-i", inventory, "--state", state, "--yes"],
                                                        launcher: ["/usr/bin/setsid", "--wait"], keepStandardError: true)
            let run = try await awaitRun(in: state, "the long step's intent") { _, events in
                events.contains { $0.kind == .intent && $0.step == "long" }
            }
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: locks)) ?? []).count == 1, "the run holds its lock directory")
            let pid = try #require(Int32(run.controller.split(separator: ":").last ?? ""))
            kill(pid, SIGINT)
            let (status, stderr) = try await background.finish()
            #expect(status == 1, "\(stderr)")
            #expect(!stderr.contains("could not remove lock"), "\(stderr)")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: locks)) ?? []).isEmpty, "the lock directory is left: \(stderr)")
            #expect(try await Journal.open(directory: state).locks().isEmpty)
        }
    }
}
