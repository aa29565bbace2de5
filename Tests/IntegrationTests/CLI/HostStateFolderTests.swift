import Foundation
import Testing
import WardenCore
import WardenTesting

/// Issue 11 as an attacker would try it: a second local account on the host
/// (`intruder`, created here) prepares the folders Warden would use before
/// Warden, logged in as root, arms a deadman or takes a lock.
@Suite("Host state folder against a local attacker", .serialized)
struct HostStateFolderTests {
    private static let intruder = "intruder"

    /// Creates the unprivileged account once; it has no home and no shell of its own.
    private func ensureIntruder() async throws {
        if try await runProcess("/usr/bin/id", [Self.intruder]).status == 0 { return }
        let added = try await runProcess("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", Self.intruder])
        #expect(added.status == 0, "\(added.stderr)")
    }

    /// Runs `script` with /bin/sh as the intruder.
    private func asIntruder(_ script: String) async throws -> ProcessOutput {
        try await runProcess("/usr/sbin/runuser", ["-u", Self.intruder, "--", "/bin/sh", "-c", script])
    }

    /// The rebalance in miniature (see DeadmanTests): `lively` with a 5 s deadman, a wait, `steady` in cleanup.
    private func runbook(in fleet: LoopbackFleet, level: String, lock: Bool = false, wait: String = "60", revertAfter: String = "5s") throws -> String {
        try "steady\n".write(toFile: level, atomically: true, encoding: .utf8)
        return try write("""
            name: rebalance-in-miniature
            targets:
              admin: {hosts: h01, exactly: 1}
            \(lock ? "lock: {name: \"pegasus/c1\", on: admin}" : "")
            steps:
              - id: lively
                on: admin
                run: "echo lively > \(level)"
                deadman: {after: \(revertAfter), run: "echo steady > \(level)"}
              - id: balance
                on: admin
                check: "sleep \(wait)"
            finally:
              - id: steady
                on: admin
                run: "echo steady > \(level)"
            """, in: fleet, name: lock ? "locked.yaml" : "deadman.yaml")
    }

    /// The fleet's inventory with h01's host state folder moved to `folder`.
    private func inventory(in fleet: LoopbackFleet, stateFolder folder: String) throws -> String {
        let text = try String(contentsOfFile: fleet.inventoryPath, encoding: .utf8)
            .replacingOccurrences(of: "host_state_dir: \(fleet.stateFolder(of: fleet.hosts[0]))", with: "host_state_dir: \(folder)")
        #expect(text.contains("host_state_dir: \(folder)"))
        return try write(text, in: fleet, name: "intruded-inventory.yaml")
    }

    @Test func aRevertPlantedInTheOldTmpFolderNeverRunsAndTheGenuineOneDoes() async throws {
        try await ensureIntruder()
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let proof = "/tmp/warden-proof-\(UUID().uuidString)"
            // Step 1: the intruder creates the folder Warden 0.x used, before Warden does, open to all,
            // and (steps 2-3) swaps every deadman that appears there for one of its own.
            try? FileManager.default.removeItem(atPath: Deadman.legacyFolder)
            let made = try await asIntruder("mkdir \(Deadman.legacyFolder) && chmod 777 \(Deadman.legacyFolder)")
            #expect(made.status == 0, "\(made.stderr)")
            let planter = Process()
            planter.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            planter.arguments = ["-u", Self.intruder, "--", "/bin/sh", "-c", """
                for i in $(seq 1 600); do
                  for d in \(Deadman.legacyFolder)/*; do
                    [ -d "$d" ] && [ ! -e "$d/.planted" ] || continue
                    mv "$d" "$d.genuine" && mkdir "$d" && echo 'id > \(proof)' > "$d/command" && : > "$d/armed" && : > "$d/.planted"
                  done
                  sleep 0.1
                done
                """]
            planter.standardInput = FileHandle.nullDevice
            planter.standardOutput = FileHandle.nullDevice
            planter.standardError = FileHandle.nullDevice
            try planter.run()
            defer { planter.terminate() }
            defer { try? FileManager.default.removeItem(atPath: Deadman.legacyFolder) }

            let level = fleet.directory.appendingPathComponent("meta-level").path
            let file = try runbook(in: fleet, level: level)
            let state = fleet.directory.appendingPathComponent("state").path
            let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            let run = try await awaitRun(in: state, "the balance wait to start") { _, events in
                events.contains { $0.step == "balance" && $0.kind == .intent }
            }
            // Step 4: the controller vanishes; the timer wakes.
            try await background.crash()
            let folder = fleet.stateFolder(of: fleet.hosts[0]) + "/deadman/" + run.id + ".lively"
            var fired = false
            for _ in 0..<200 where !fired {
                try await Task.sleep(for: .milliseconds(100))
                fired = FileManager.default.fileExists(atPath: folder + "/fired")
            }
            #expect(fired, "the genuine deadman fired")
            #expect(try String(contentsOfFile: level, encoding: .utf8) == "steady\n")
            #expect(!FileManager.default.fileExists(atPath: proof), "the planted command ran")
            #expect(try FileManager.default.contentsOfDirectory(atPath: Deadman.legacyFolder).isEmpty, "Warden wrote into the old folder")

            // An operator looking at the host is told about the old folder, and that it is not trusted.
            let locks = try await warden(["locks", "list", "-i", fleet.inventoryPath, "--state", state])
            #expect(locks.status == 1, "\(locks.stdout)\(locks.stderr)")
            #expect(locks.stdout.contains("LEFT BY AN OLDER WARDEN: \(Deadman.legacyFolder) (owner intruder, mode drwxrwxrwx)"), "\(locks.stdout)")
            #expect(locks.stdout.contains("h01: \(fleet.stateFolder(of: fleet.hosts[0]))"), "\(locks.stdout)")
        }
    }

    @Test func aStateFolderTheIntruderCreatedFirstStopsTheChangeBeforeItIsMade() async throws {
        try await ensureIntruder()
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let folder = "/tmp/warden-intruded-\(UUID().uuidString)"
            let made = try await asIntruder("mkdir \(folder) && chmod 777 \(folder) && mkdir \(folder)/deadman \(folder)/locks && chmod 777 \(folder)/*")
            #expect(made.status == 0, "\(made.stderr)")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let inventory = try inventory(in: fleet, stateFolder: folder)
            let level = fleet.directory.appendingPathComponent("meta-level").path
            let state = fleet.directory.appendingPathComponent("state").path

            // The plan finds it (read-only: nothing is created), and the run stops before any change.
            let file = try runbook(in: fleet, level: level)
            let plan = try await warden(["plan", file, "-i", inventory])
            #expect(plan.status == 1, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("The run would FAIL: no lock or deadman can be kept on h01: h01: refused the host state folder: \(folder) is owned by intruder (uid "),
                    "\(plan.stdout)")
            let run = try await warden(["run", file, "-i", inventory, "--state", state, "--yes"])
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            #expect((run.stdout + run.stderr).contains("\(folder) is owned by intruder"), "\(run.stdout)\(run.stderr)")
            // The change never reached the host, and nothing was written into the intruder's folder.
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("echo lively > \(level)"))
            #expect(try String(contentsOfFile: level, encoding: .utf8) == "steady\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/deadman").isEmpty)

            // The same folder as a lock host: refused, naming the folder and its owner; nothing changed.
            let locked = try await warden(["plan", try runbook(in: fleet, level: level, lock: true), "-i", inventory])
            #expect(locked.status == 1, "\(locked.stdout)\(locked.stderr)")
            #expect(locked.stdout.contains("refused the host state folder: \(folder) is owned by intruder"), "\(locked.stdout)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/locks").isEmpty)
        }
    }

    @Test func aDeadmanAnOlderWardenArmedIsReportedOnResumeAndNeverTouched() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let level = fleet.directory.appendingPathComponent("meta-level").path
            let seconds = fleet.directory.appendingPathComponent("wait-seconds").path
            try "60\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            // Long enough that the genuine deadman is still armed when the resume comes, however
            // slow the machine (at 5 s it once fired first, under a loaded suite).
            let file = try runbook(in: fleet, level: level, wait: "$(cat \(seconds))", revertAfter: "10m")
            let state = fleet.directory.appendingPathComponent("state").path
            let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            let run = try await awaitRun(in: state, "the balance wait to start") { _, events in
                events.contains { $0.step == "balance" && $0.kind == .intent }
            }
            try await background.crash()
            // As a journal written by Warden 0.x would hold it: armed in the old /tmp folder.
            let journal = try await Journal.open(directory: state)
            _ = try await journal.append(.init(runID: run.id, kind: .deadmanArmed, step: "older", host: "h01",
                                               detail: #"{"path":"/tmp/warden-deadman/\#(run.id).older","fires_at":0}"#))
            try "0\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            let resumed = try await warden(["resume", run.id, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(resumed.stdout.utf8))
            let older = try #require(report.deadmen.first { $0.step == "older" })
            #expect(older.status == .unknown)
            #expect(older.detail?.contains("armed by an older Warden in /tmp/warden-deadman/\(run.id).older") == true, "\(older.detail ?? "")")
            #expect(older.detail?.contains("not trusted and not disarmed") == true)
            #expect(report.deadmen.first { $0.step == "lively" }?.status == .disarmed)
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("/tmp/warden-deadman"), "nothing was sent to the old folder")
        }
    }
}
