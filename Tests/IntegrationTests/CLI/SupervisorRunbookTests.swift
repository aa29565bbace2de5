import Foundation
import Testing
import WardenTesting

/// `runbooks/pegasus/pause-supervisor.yaml` and `resume-supervisor.yaml` end to
/// end, against a real supervisord (Debian's `supervisor` package) that the
/// test starts itself, its socket, pidfile and logs in the fleet's folder, and
/// always shuts down. The loopback host is this machine: supervisorctl on "the
/// host" talks to that supervisord.
@Suite("Supervisor runbooks")
struct SupervisorRunbookTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func runbook(_ name: String) -> String { repository.appendingPathComponent("runbooks/pegasus/\(name)").path }
    static let available = Supervisor.available

    @Test func pauseAndResumeValidateStrictly() async throws {
        let output = try await warden(["validate", "--strict", Self.runbook("pause-supervisor.yaml"), Self.runbook("resume-supervisor.yaml")])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("0 errors, 0 warnings in 2 files"), "\(output.stdout)")
    }

    @Test(.enabled(if: available, "needs Debian's supervisor package (supervisord, supervisorctl)"))
    func pauseStopsARealCrashLoopAndResumeRestoresIt() async throws {
        try await withFleet(hosts: 1) { fleet in
            try await withSupervisor(fleet) { supervisor in
                let inventory = try supervisor.inventory(in: fleet)
                let state = fleet.directory.appendingPathComponent("state").path
                let records = fleet.directory.appendingPathComponent("paused").path
                let common = ["-i", inventory, "--state", state, "--yes", "-p", "hosts=h01", "-p", "record_dir=\(records)"]
                try await supervisor.waitUntil("crashy to start 3 times") { supervisor.starts >= 3 }

                // Nothing paused yet: resume refuses, and changes nothing.
                let early = try await warden(["run", Self.runbook("resume-supervisor.yaml"), "-p", "program=crashy"] + common)
                #expect(early.status == 3, "\(early.stdout)\(early.stderr)")
                #expect(early.stdout.contains("no pause record for this program"), "\(early.stdout)")

                // A program that does not crash-loop is not paused.
                let calm = try await warden(["run", Self.runbook("pause-supervisor.yaml"), "-p", "program=steady"] + common)
                #expect(calm.status == 3, "\(calm.stdout)\(calm.stderr)")
                #expect(calm.stdout.contains("no restart loop confirmed"), "\(calm.stdout)")
                #expect(try await supervisor.state("steady") == "RUNNING")

                // The crash loop is confirmed and paused: STOPPED, and no new start over 5 seconds.
                let paused = try await warden(["run", Self.runbook("pause-supervisor.yaml"), "-p", "program=crashy"] + common)
                #expect(paused.status == 0, "\(paused.stdout)\(paused.stderr)")
                #expect(paused.stdout.contains("Run succeeded."), "\(paused.stdout)")
                #expect(try await supervisor.state("crashy") == "STOPPED")
                let record = try String(contentsOfFile: records + "/crashy.paused", encoding: .utf8)
                #expect(record.contains("kind: supervisord\nprogram: crashy\nprior_state: "), "\(record)")
                let prior = record.split(separator: "\n").first { $0.hasPrefix("prior_state: ") }.map { String($0.dropFirst(13)) }
                #expect(["RUNNING", "STARTING", "EXITED", "BACKOFF"].contains(prior ?? ""), "\(record)")
                let startsWhenPaused = supervisor.starts
                try await Task.sleep(for: .seconds(5))
                #expect(supervisor.starts == startsWhenPaused, "started again while paused")
                #expect(try await supervisor.state("crashy") == "STOPPED")

                // A second pause would overwrite the record: refused.
                let again = try await warden(["run", Self.runbook("pause-supervisor.yaml"), "-p", "program=crashy"] + common)
                #expect(again.status == 1, "\(again.stdout)\(again.stderr)")
                #expect(again.stdout.contains("already paused"), "\(again.stdout)")

                // Resume starts it again (and it goes on crash-looping), and retires the record.
                let resumed = try await warden(["run", Self.runbook("resume-supervisor.yaml"), "-p", "program=crashy"] + common)
                #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
                var seen: Set<String> = []
                try await supervisor.waitUntil("crashy to start twice more") {
                    seen.insert(try await supervisor.state("crashy"))
                    return supervisor.starts >= startsWhenPaused + 2
                }
                #expect(!seen.isDisjoint(with: ["RUNNING", "STARTING"]), "states seen after resume: \(seen)")
                #expect(!FileManager.default.fileExists(atPath: records + "/crashy.paused"))
                #expect(FileManager.default.fileExists(atPath: records + "/crashy.resumed"))
            }
        }
    }
}
