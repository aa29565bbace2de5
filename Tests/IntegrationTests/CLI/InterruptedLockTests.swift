import Foundation
import Testing
import WardenCore
import WardenSSHTransport
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

    /// A lock command stopped on its host half-way (the controller cancelled it, as on Ctrl-C)
    /// leaves the directory's mutex behind; the next lock command goes on at once, not after
    /// the minute a leftover takes to age. What only sshd shows: stopping a command kills its
    /// process group there, and with it the kernel lock its shell held.
    @Test func aLockCommandStoppedHalfWayOnItsHostHoldsNobodyUp() async throws {
        try await withFleet(hosts: 1) { fleet in
            let host = try #require(try Inventory.load(path: fleet.inventoryPath).select("fleet").first)
            let locks = fleet.stateFolder(of: fleet.hosts[0]) + "/locks"
            let transport = SSHTransport()
            let lock = HostLock(name: "interrupted", runID: "run-a", owner: "tester on controller", lease: .seconds(60),
                                folder: HostStateFolder(for: host))
            #expect(try await lock.acquire(on: host, transport: transport) == .acquired)

            // Where a writer is when it is stopped inside the mutex: the kernel lock on the
            // locks folder, the mutex, its pid, and more to do.
            let quoted = ShellQuoting.quote(locks)
            let writer = Task {
                try await transport.run(RemoteCommand("exec 9<\(quoted); flock 9; mkdir -m 700 \(quoted)/interrupted.mutex; "
                                                      + "echo $$ > \(quoted)/interrupted.mutex/pid; sleep 60", timeout: .seconds(90)), on: host)
            }
            var inside = false
            for _ in 0..<200 where !inside {
                inside = (try? await transport.run(RemoteCommand("test -s \(quoted)/interrupted.mutex/pid"), on: host))?.exitStatus == 0
                if !inside { try await Task.sleep(for: .milliseconds(50)) }
            }
            try #require(inside, "the writer took the mutex")
            writer.cancel()
            _ = await writer.result
            #expect(FileManager.default.fileExists(atPath: locks + "/interrupted.mutex"), "stopped, it left its mutex behind")

            #expect(try await lock.renew(on: host, transport: transport) == .renewed)
            #expect(try await lock.release(on: host, transport: transport) == .released)
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: locks)) ?? []).isEmpty)
            await transport.close()
        }
    }
}
