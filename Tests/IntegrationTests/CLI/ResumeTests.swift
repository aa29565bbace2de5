import Foundation
import Testing
import WardenCore
import WardenTesting

/// `warden resume` after the controller was killed with SIGKILL in the middle
/// of a mutating step: finished steps never run again, unknown changes need
/// the operator's word, cleanup runs.
@Suite("Resuming a run whose controller died")
struct ResumeTests {
    static let runbook = """
        name: resumable
        params:
          seconds: {type: int, default: 30}
          label: {type: string, default: first}
        targets:
          fleet: {hosts: fleet, at_least: 1}
        steps:
          - id: quick
            on: fleet
            run: "echo MUTATE-QUICK {{ params.label }}"
          - id: slow
            on: fleet
            run: "sleep {{ params.seconds }}; echo MUTATE-SLOW"
          - id: after
            on: fleet
            run: "echo MUTATE-AFTER"
        finally:
          - id: tidy
            on: fleet
            run: "echo MUTATE-TIDY"
        """

    /// Starts a run, kills its controller once the slow step's intents are
    /// journaled, and returns the run id.
    private func killedRun(_ fleet: LoopbackFleet, state: String, runbook: String = ResumeTests.runbook) async throws -> String {
        let file = fleet.directory.appendingPathComponent("resumable.yaml").path
        try runbook.write(toFile: file, atomically: true, encoding: .utf8)
        let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
        let hosts = fleet.hosts.count
        let run = try await awaitRun(in: state, "the slow step's intents") { _, events in
            events.filter { $0.step == "slow" && $0.kind == .intent }.count == hosts
        }
        // An intent is journaled before its command leaves: the kill comes once every host has it.
        try await awaitCommand("echo MUTATE-SLOW", onEveryHostOf: fleet)
        try await background.crash()
        return run.id
    }

    /// Returns once every host of the fleet received a command containing `needle` (its log says so).
    private func awaitCommand(_ needle: String, onEveryHostOf fleet: LoopbackFleet) async throws {
        for _ in 0..<1200 where !fleet.hosts.allSatisfy({ count(needle, on: $0, in: fleet) > 0 }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(fleet.hosts.allSatisfy { count(needle, on: $0, in: fleet) > 0 }, "not every host received '\(needle)'")
    }

    private func count(_ needle: String, on host: LoopbackFleet.Host, in fleet: LoopbackFleet) -> Int {
        fleet.commands(receivedBy: host).components(separatedBy: needle).count - 1
    }

    @Test func unknownChangesNeedTheOperatorsWordThenNothingRunsTwice() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            // The slow step sleeps 60 s: long enough to be still running when the resume comes, two
            // warden processes later, even on a loaded machine (with 30 s, CI's once had finished).
            let runID = try await killedRun(fleet, state: state, runbook: Self.runbook.replacingOccurrences(of: "seconds: {type: int, default: 30}",
                                                                                                      with: "seconds: {type: int, default: 60}"))

            let refused = try await warden(["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
            // Should the run have ended before the kill, its log says why.
            var log = ""
            if refused.stderr.contains("already ended") { log = try await warden(["log", runID, "--state", state]).stdout }
            #expect(refused.stderr.contains("the journal cannot tell whether they took effect"), "\(refused.stderr)\(log)")
            #expect(refused.stderr.contains("step 'slow' on h01: $ sleep 60; echo MUTATE-SLOW"))
            for host in fleet.hosts { #expect(count("MUTATE-AFTER", on: host, in: fleet) == 0) }

            let resumed = try await warden(["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes", "--assume", "done", "--output", "json"])
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(resumed.stdout.utf8))
            #expect(report.status == .succeeded)
            #expect(report.steps.map(\.summary).prefix(2) == ["finished before the resume", "done before the resume"])
            for host in fleet.hosts {
                #expect(count("MUTATE-QUICK first", on: host, in: fleet) == 1)
                #expect(count("sleep 60", on: host, in: fleet) == 1)
                #expect(count("MUTATE-AFTER", on: host, in: fleet) == 1)
                #expect(count("MUTATE-TIDY", on: host, in: fleet) == 1)
            }
            let journal = try await Journal.open(directory: state)
            let run = try #require(try await journal.run(runID))
            #expect(run.status == .ended(.succeeded))
            let notes = try await journal.events(of: runID).filter { $0.kind == .note }.compactMap(\.detail)
            // The slow step's sleep still ran on the hosts: the note goes on to say the resume waited for it.
            #expect(notes.contains { $0.hasPrefix("resumed by root on ") && $0.contains("assumed done for slow@h01, slow@h02")
                                     && $0.contains("h01: step 'slow' left its command running") })
            let intact = try await journal.verify(run: runID)
            #expect(intact == nil)

            let again = try await warden(["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(again.status == 2)
            #expect(again.stderr.contains("already ended (succeeded)"))
        }
    }

    @Test func notDoneRunsTheUnknownChangeAgainWithTheJournaledParameters() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let runID = try await killedRun(fleet, state: state)
            let resumed = try await warden(["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes",
                                            "--assume", "not-done", "-p", "seconds=0"])
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            for host in fleet.hosts {
                #expect(count("MUTATE-QUICK first", on: host, in: fleet) == 1)
                #expect(count("sleep 30", on: host, in: fleet) == 1)
                #expect(count("sleep 0; echo MUTATE-SLOW", on: host, in: fleet) == 1)
                #expect(count("MUTATE-AFTER", on: host, in: fleet) == 1)
            }
        }
    }

    @Test func aVerifyProbeSettlesUnknownChangesHostByHost() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let marks = fleet.directory.path
            let runbook = ResumeTests.runbook.replacingOccurrences(of: """
                    run: "sleep {{ params.seconds }}; echo MUTATE-SLOW"
                """, with: """
                    run: "touch \(marks)/{{ host.name }}.done; sleep {{ params.seconds }}; echo MUTATE-SLOW"
                    verify: {run: "test -e \(marks)/{{ host.name }}.done", expect: exit == 0}
                """)
            #expect(runbook.contains("verify:"))
            let runID = try await killedRun(fleet, state: state, runbook: runbook)
            // On h02 the change is undone behind Warden's back (once it was made): verify must see that.
            for _ in 0..<1200 where !FileManager.default.fileExists(atPath: "\(marks)/h02.done") {
                try await Task.sleep(for: .milliseconds(50))
            }
            try FileManager.default.removeItem(atPath: "\(marks)/h02.done")

            let resumed = try await warden(["resume", runID, "-i", fleet.inventoryPath, "--state", state, "--yes", "-p", "seconds=0"])
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            #expect(resumed.stderr.contains("verify: slow@h01: verify says it took effect; not run again"))
            #expect(resumed.stderr.contains("verify: slow@h02: verify says it did not take effect; it runs again"))
            let h01 = try #require(fleet.hosts.first { $0.name == "h01" })
            let h02 = try #require(fleet.hosts.first { $0.name == "h02" })
            #expect(count("sleep 0; echo MUTATE-SLOW", on: h01, in: fleet) == 0)
            #expect(count("sleep 0; echo MUTATE-SLOW", on: h02, in: fleet) == 1)
            for host in fleet.hosts { #expect(count("MUTATE-AFTER", on: host, in: fleet) == 1) }
        }
    }
}
