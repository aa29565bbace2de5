import Foundation
import Testing
import WardenCore
import WardenTesting

/// Runs are journaled in SQLite as they happen: intents before outcomes,
/// secrets redacted, and what was written survives a controller killed with
/// SIGKILL.
@Suite("The run journal, through the CLI")
struct JournalCommandTests {
    private struct Shown: Decodable {
        let run: JournalRun
        let events: [JournalEvent]
        let chainBrokenAt: Int?
    }

    @Test func intentsPrecedeOutcomesAndSecretsNeverReachTheDisk() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let file = try write("""
                name: journaled
                params:
                  token: {type: string, secret: true, required: true}
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: use
                    on: fleet
                    when: host.name != "h02"
                    run: "echo using {{ params.token }} on {{ host.name }}"
                  - id: look
                    on: fleet
                    check: "echo looked"
                """, in: fleet, name: "journaled.yaml")
            let secret = "s3cr3t-\(UUID().uuidString)"
            let output = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"],
                                          environment: ["WARDEN_PARAM_TOKEN": secret])
            #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(output.stdout.utf8))

            let listed = try await warden(["runs", "--state", state])
            #expect(listed.stdout.contains(report.runID))
            #expect(listed.stdout.contains("succeeded"))

            let shown = try await warden(["show", report.runID, "--state", state, "--output", "json"])
            #expect(shown.status == 0, "\(shown.stderr)")
            let journal = try JSONDecoder().decode(Shown.self, from: Data(shown.stdout.utf8))
            #expect(journal.run.status == .ended(.succeeded))
            #expect(journal.run.planHash == report.planHash)
            #expect(journal.run.parameters == "{\"token\":\"<secret>\"}")
            #expect(journal.chainBrokenAt == nil)
            // A change's process group is journaled as it starts, not in step with the rest (issue 14, item 4).
            #expect(journal.events.filter { $0.kind == .processGroup }.map(\.host) == ["h01"])
            let use = journal.events.filter { $0.step == "use" && $0.kind != .processGroup }
            #expect(use.map(\.kind) == [.stepStarted, .outcome, .intent, .outcome, .stepFinished])
            #expect(use[1].host == "h02" && use[1].status == .skipped)
            #expect(use[2].host == "h01" && use[2].command == "echo using <secret> on h01")
            #expect(use[3].host == "h01" && use[3].status == .ok)
            #expect(journal.events.map(\.sequence) == Array(1...journal.events.count))

            // The host got the real value; no byte of the state folder holds it.
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).contains(secret))
            for name in try FileManager.default.contentsOfDirectory(atPath: state) {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: state).appendingPathComponent(name))
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(name) holds the secret")
            }
            #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))

            let missing = try await warden(["show", "no-such-run", "--state", state])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("no run 'no-such-run'"))
        }
    }

    @Test func whatWasWrittenSurvivesAControllerKilledMidStep() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let file = try write("""
                name: slow
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: quick
                    on: fleet
                    run: "echo quick"
                  - id: slow
                    on: fleet
                    run: "sleep 30"
                """, in: fleet, name: "slow.yaml")
            let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            // Once both intents of the slow step are journaled, kill -9.
            let killed = try await awaitRun(in: state, "both intents of the slow step") { _, events in
                events.filter { $0.step == "slow" && $0.kind == .intent }.count == 2
            }
            try await background.crash()
            let id = killed.id

            let reopened = try await Journal.open(directory: state)
            let run = try #require(try await reopened.run(id))
            #expect(run.status == .running)
            let events = try await reopened.events(of: id)
            #expect(events.filter { $0.step == "quick" && $0.kind == .outcome }.map(\.status) == [.ok, .ok])
            #expect(events.filter { $0.step == "slow" && $0.kind == .intent }.count == 2)
            #expect(events.filter { $0.step == "slow" && $0.kind == .outcome }.isEmpty)
            let intact = try await reopened.verify(run: id)
            #expect(intact == nil)
        }
    }
}
