import Foundation
import Testing
import WardenCore
import WardenTesting

/// `deadman:` on the fleet: a revert armed on the host before the change,
/// disarmed when cleanup succeeded, and firing on its own when the
/// controller is killed with SIGKILL and nobody comes back in time.
@Suite("Deadman reverts")
struct DeadmanTests {
    /// The meta-level rebalance in miniature: a level file on the host set
    /// `lively`, a long read-only wait whose length a file on the host says,
    /// and `steady` again in cleanup.
    private func runbook(in fleet: LoopbackFleet, after: String) throws -> (file: String, level: String, seconds: String) {
        let level = fleet.directory.appendingPathComponent("meta-level").path
        let seconds = fleet.directory.appendingPathComponent("wait-seconds").path
        try "steady\n".write(toFile: level, atomically: true, encoding: .utf8)
        let file = fleet.directory.appendingPathComponent("deadman.yaml").path
        try """
            name: rebalance-in-miniature
            targets:
              admin: {hosts: h01, exactly: 1}
            steps:
              - id: lively
                on: admin
                run: "echo lively > \(level)"
                deadman: {after: \(after), run: "echo steady > \(level)"}
              - id: balance
                on: admin
                check: "sleep $(cat \(seconds))"
            finally:
              - id: steady
                on: admin
                run: "echo steady > \(level)"
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return (file, level, seconds)
    }

    private func sleepers(for path: String) -> Int {
        let found = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return found.filter { Int($0) != nil }.filter { pid in
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            return String(decoding: cmdline, as: UTF8.self).contains(path)
        }.count
    }

    @Test func aRunWhoseCleanupSucceededDisarmsItsDeadman() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let (file, level, seconds) = try runbook(in: fleet, after: "10m")
            try "0\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))
            #expect(report.deadmen.map(\.status) == [.disarmed])
            let folder = fleet.stateFolder(of: fleet.hosts[0]) + "/deadman/" + report.runID + ".lively"
            #expect(FileManager.default.fileExists(atPath: folder + "/disarmed"))
            #expect(try String(contentsOfFile: folder + "/command", encoding: .utf8) == "echo steady > \(level)\n")
            // The timer on the host is gone, not just told to do nothing.
            #expect(sleepers(for: folder) == 0)
            // Armed before the change reached the host, disarmed after the cleanup did.
            let commands = fleet.commands(receivedBy: fleet.hosts[0])
            let armed = try #require(commands.range(of: "setsid sh -c"))
            let change = try #require(commands.range(of: "-c 'echo lively > \(level)'", range: armed.upperBound..<commands.endIndex))
            #expect(armed.lowerBound < change.lowerBound)
            let journal = try await Journal.open(directory: state)
            let kinds = try await journal.events(of: report.runID).map(\.kind)
            // Journaled before the host arms it (so a resume knows where to disarm), and after.
            let armingAt = try #require(kinds.firstIndex(of: .deadmanArming))
            let armedAt = try #require(kinds.firstIndex(of: .deadmanArmed))
            #expect(armingAt < armedAt)
            let disarmedAt = try #require(kinds.firstIndex(of: .deadmanDisarmed))
            #expect(armedAt < disarmedAt)
            #expect(try String(contentsOfFile: level, encoding: .utf8) == "steady\n")
        }
    }

    @Test func aControllerKilledMidRunLeavesTheHostToRevertByItself() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let (file, level, seconds) = try runbook(in: fleet, after: "6s")
            try "60\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            let run = try await awaitRun(in: state, "the balance wait to start") { _, events in
                events.contains { $0.step == "balance" && $0.kind == .intent }
            }
            try await background.crash()
            let folder = fleet.stateFolder(of: fleet.hosts[0]) + "/deadman/" + run.id + ".lively"
            // The change reached the host (whether the deadman already fired depends on the machine's pace).
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).contains("-c 'echo lively > \(level)'"))

            // No controller: the host puts itself back within the deadman's time.
            var reverted = false
            for _ in 0..<200 where !reverted {
                try await Task.sleep(for: .milliseconds(100))
                reverted = FileManager.default.fileExists(atPath: folder + "/fired")
            }
            #expect(reverted)
            #expect(try String(contentsOfFile: level, encoding: .utf8) == "steady\n")
            #expect(try String(contentsOfFile: folder + "/fired", encoding: .utf8) == "0\n")

            // The resumed run finishes, runs cleanup once, and reports that the deadman had fired.
            try "0\n".write(toFile: seconds, atomically: true, encoding: .utf8)
            let resumed = try await warden(["resume", run.id, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(resumed.stdout.utf8))
            #expect(report.deadmen.map(\.status) == [.fired])
            #expect(report.deadmen.first?.detail == "the revert already ran (exit 0)")
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).components(separatedBy: "-c 'echo lively > \(level)'").count - 1 == 1)
        }
    }

    @Test func aDeadmanNeedsARevertAndAChange() async throws {
        try await withFleet(hosts: 1) { fleet in
            let file = fleet.directory.appendingPathComponent("bad-deadman.yaml").path
            try """
                name: bad
                targets:
                  admin: {hosts: h01, exactly: 1}
                steps:
                  - id: nothing_to_revert_with
                    on: admin
                    run: "echo lively"
                    deadman: 10m
                  - id: reads_only
                    on: admin
                    check: "echo look"
                    deadman: 10m
                  - id: too_soon
                    on: admin
                    run: "echo lively"
                    undo: "echo steady"
                    deadman: 1s
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let validated = try await warden(["validate", file])
            #expect(validated.status == 2)
            #expect(validated.stdout.contains("bad-deadman.yaml:8:"), "\(validated.stdout)")
            #expect(validated.stdout.contains("has a deadman but nothing to revert with"))
            #expect(validated.stdout.contains("bad-deadman.yaml:12:5: error: 'deadman' does not apply to a check step"), "\(validated.stdout)")
            #expect(validated.stdout.contains("a deadman of less than 5s"))
        }
    }
}
