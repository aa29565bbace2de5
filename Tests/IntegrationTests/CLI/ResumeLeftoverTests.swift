import Foundation
import Testing
import WardenCore
import WardenTesting

/// Issue 14, item 4: a resume after `kill -9` must not carry on beside the
/// commands the dead controller started: it finds them on their hosts by
/// their journaled process group, and waits for them (the default) or kills
/// them (`--leftovers kill`) before `verify` or anything else runs.
@Suite("Resuming beside a dead controller's commands")
struct ResumeLeftoverTests {
    /// Starts the run, kills its controller once the change's process group
    /// is journaled, and returns the run id and that group.
    private func killedRun(_ fleet: LoopbackFleet, state: String, command: String,
                           timeout: String = "2m", verify: Bool = true) async throws -> (String, Int32) {
        let file = fleet.directory.appendingPathComponent("leftover.yaml").path
        let marks = fleet.directory.path
        try """
            name: leftover
            targets:
              fleet: {hosts: fleet, at_least: 1}
            steps:
              - id: change
                on: fleet
                run: "\(command); touch \(marks)/changed"
                timeout: \(timeout)
                unguarded: a test
            \(verify ? "    verify: {run: \"test -f \(marks)/changed\", expect: \"exit == 0\"}" : "")
              - id: next
                on: fleet
                run: "echo MUTATE-NEXT"
                unguarded: a test
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
        let run = try await awaitRun(in: state, "the change's process group") { _, events in
            events.contains { $0.step == "change" && $0.kind == .processGroup }
        }
        try await background.crash()
        let journal = try await Journal.open(directory: state)
        let detail = try #require(try await journal.events(of: run.id).first { $0.kind == .processGroup }?.detail)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any])
        let group = try #require((fields["pgid"] as? NSNumber)?.int32Value)
        return (run.id, group)
    }

    private func alive(_ group: Int32) -> Bool { kill(-group, 0) == 0 }

    @Test func killStopsTheWholeGroupBeforeVerifyRunsAndTheChangeRunsAgain() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let again = fleet.directory.appendingPathComponent("again").path
            let (runID, group) = try await killedRun(fleet, state: state, command: "[ -f \(again) ] || sleep 600")
            #expect(alive(group), "the dead controller's command should still run on the host")
            FileManager.default.createFile(atPath: again, contents: nil)
            let resumed = try await warden(["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes", "--leftovers", "kill"])
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            #expect(resumed.stderr.contains("leftover: h01: step 'change' left its command running (process group \(group)"), "\(resumed.stderr)")
            #expect(resumed.stderr.contains("killing its process group"), "\(resumed.stderr)")
            // Killed before verify: the change never completed, so verify sends it to run again.
            #expect(resumed.stderr.contains("change@h01: verify says it did not take effect; it runs again"), "\(resumed.stderr)")
            #expect(!alive(group))
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).contains("MUTATE-NEXT"))
        }
    }

    @Test func byDefaultTheResumeSaysSoAndWaitsForTheCommandToEndBeforeVerify() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let release = fleet.directory.appendingPathComponent("release").path
            // The command ends only when the test says so, after the resume has said it waits.
            let (runID, group) = try await killedRun(fleet, state: state,
                                                     command: "while [ ! -f \(release) ]; do sleep 0.2; done")
            #expect(alive(group))
            let background = try BackgroundWarden.start(["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes"],
                                                        keepStandardError: true)
            // The resume finds the group running and says it waits; it must not go on while the command runs.
            try await background.waitForOutput(containing: "waiting up to 2m")
            #expect(alive(group), "the resume must not go on while the command runs")
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains("MUTATE-NEXT"))
            FileManager.default.createFile(atPath: release, contents: nil)
            let (status, stderr) = try await background.finish()
            #expect(status == 0, "\(stderr)")
            #expect(stderr.contains("leftover: h01: step 'change' left its command running (process group \(group)"), "\(stderr)")
            #expect(stderr.contains("waiting up to 2m"), "\(stderr)")
            #expect(stderr.contains("change@h01: verify says it took effect; not run again"), "\(stderr)")
            #expect(!alive(group))
        }
    }

    /// A change no verify can settle needs --assume: the resume asks for it
    /// at once rather than first waiting out the step's timeout.
    @Test func withoutVerifyOrAssumeTheResumeRefusesAtOnceWithoutWaiting() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let (runID, group) = try await killedRun(fleet, state: state, command: "sleep 600", timeout: "5m", verify: false)
            let refused = try await warden(["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("resume with --assume done"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("leftover:"), "\(refused.stderr)")
            #expect(alive(group))
            kill(-group, SIGKILL)
        }
    }
}
