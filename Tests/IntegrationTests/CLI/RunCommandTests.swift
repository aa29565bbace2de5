import Foundation
import Testing
import WardenCore
import WardenTesting

/// `warden run` on the loopback fleet: what the plan said is what the run
/// did, verified on the hosts themselves.
@Suite("warden run, against its plan")
struct RunCommandTests {
    private func prepare(_ fleet: LoopbackFleet, runbook: String) throws -> String {
        let needsRestart = ["h01": true, "h02": false, "h03": true]
        for host in fleet.hosts {
            let state = "{\"needs_restart\": \(needsRestart[host.name] ?? false), \"healthy\": true}\n"
            try state.write(to: fleet.directory.appendingPathComponent("hosts/\(host.name)/state.json"), atomically: true, encoding: .utf8)
        }
        let path = fleet.directory.appendingPathComponent("runbook.yaml").path
        try runbook.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theRunDoesWhatThePlanSaid() async throws {
        try await withFleet(hosts: 3, logCommands: true) { fleet in
            let file = try prepare(fleet, runbook: PlanCommandTests.runbook)
            let dir = fleet.directory.path
            let common = [file, "-i", fleet.inventoryPath, "-p", "dir=\(dir)", "--output", "json"]
            let planned = try JSONDecoder().decode(Plan.self, from: Data(try await warden(["plan"] + common).stdout.utf8))
            let output = try await warden(["run"] + common + ["--yes"])
            #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(output.stdout.utf8))
            #expect(report.status == .succeeded)
            #expect(report.planHash == planned.hash)

            // Every host the plan said would change did, with the command the
            // plan showed; every host it said would be skipped was.
            for plannedStep in planned.steps where plannedStep.mutating && plannedStep.status == .willRun {
                let ran = try #require(report.steps.first { $0.id == plannedStep.id })
                for plannedHost in plannedStep.hosts {
                    let host = try #require(ran.hosts.first { $0.host == plannedHost.host })
                    switch plannedHost.status {
                    case .willRun:
                        #expect(host.status == .ok)
                        #expect(host.command == plannedHost.command)
                    case .skipped:
                        #expect(host.status == .skipped)
                    default:
                        Issue.record("unexpected planned status \(plannedHost.status) for \(plannedHost.host)")
                    }
                }
            }
            // On the hosts: the restart reached h01 and h03 only, exactly as planned.
            for host in fleet.hosts {
                let received = fleet.commands(receivedBy: host)
                let restarted = FileManager.default.fileExists(atPath: "\(dir)/hosts/\(host.name)/restarted")
                #expect(restarted == (host.name != "h02"), "\(host.name): \(received)")
                #expect(received.contains("MUTATE-RESTART") == (host.name != "h02"))
                // The step the plan could not decide ran once the restart succeeded, and cleanup ran.
                #expect(received.contains("MUTATE-AFTER"))
                #expect(received.contains("MUTATE-CLEANUP"))
            }
        }
    }

    @Test func aFailedCheckStopsTheRunAndCleanupStillRuns() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let file = try prepare(fleet, runbook: """
                name: fails-midway
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: first
                    on: fleet
                    run: "echo MUTATE-FIRST"
                  - id: verify
                    on: fleet
                    check: "test {{ host.name }} = h01"
                  - id: never
                    on: fleet
                    run: "echo MUTATE-NEVER"
                finally:
                  - id: tidy
                    on: fleet
                    run: "echo MUTATE-TIDY"
                """)
            let output = try await warden(["run", file, "-i", fleet.inventoryPath, "--yes"])
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
            #expect(output.stdout.contains("Run FAILED: step 'verify' failed: failed on 1 host: h02 (exited 1); cleanup ran."))
            for host in fleet.hosts {
                let received = fleet.commands(receivedBy: host)
                #expect(received.contains("MUTATE-FIRST"))
                #expect(!received.contains("MUTATE-NEVER"))
                #expect(received.contains("MUTATE-TIDY"))
            }
        }
    }

    @Test func aChecksOutputIsShownRedactedAndCut() async throws {
        try await withFleet(hosts: 2) { fleet in
            let file = try write("""
                name: reporting
                params:
                  token: {type: string, secret: true, required: true}
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: report
                    on: fleet
                    check: "echo 'report of {{ host.name }} with {{ params.token }}'; seq 1 30"
                """, in: fleet, name: "reporting.yaml")
            let secret = "tok-\(UUID().uuidString)"
            let state = fleet.directory.appendingPathComponent("state").path
            let text = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"],
                                        environment: ["WARDEN_PARAM_TOKEN": secret])
            #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
            for host in fleet.hosts {
                #expect(text.stdout.contains("        | report of \(host.name) with <secret>\n"), "\(text.stdout)")
            }
            #expect(text.stdout.contains("        | ... (11 lines left out)\n        | 21\n"))
            #expect(!text.stdout.contains(secret) && !text.stderr.contains(secret))

            let json = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"],
                                        environment: ["WARDEN_PARAM_TOKEN": secret])
            let report = try JSONDecoder().decode(RunReport.self, from: Data(json.stdout.utf8))
            let output = try #require(report.steps.first?.hosts.first?.output)
            #expect(output.hasPrefix("report of h01 with <secret>\n1\n2\n"))
            #expect(output.split(separator: "\n").count == 21)
        }
    }

    @Test func collectRecordsWhatItFetchedWithTheControllersSha256() async throws {
        try await withFleet(hosts: 1) { fleet in
            let blob = fleet.directory.appendingPathComponent("blob.bin")
            let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
            try bytes.write(to: blob)
            let file = try write("""
                name: fetch
                targets:
                  one: {hosts: h01, exactly: 1}
                steps:
                  - id: fetch
                    on: one
                    collect: \(blob.path)
                  - id: confirm
                    on: one
                    check: "echo fetched {{ steps.fetch.result[0].sha256 }} {{ steps.fetch.result[0].bytes }}"
                """, in: fleet, name: "fetch.yaml")
            let artifacts = fleet.directory.appendingPathComponent("artifacts").path
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", fleet.directory.appendingPathComponent("state").path,
                                        "--yes", "--artifacts", artifacts, "--output", "json"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let sum = try await runProcess("/usr/bin/sha256sum", [blob.path])
            let expected = String(sum.stdout.prefix(64))
            let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))
            #expect(report.steps[0].hosts.first?.output == "\(expected)  300000  \(blob.path) -> \(artifacts)/h01/blob.bin")
            #expect(report.steps[1].hosts.first?.output == "fetched \(expected) 300000")
            #expect(try Data(contentsOf: URL(fileURLWithPath: artifacts + "/h01/blob.bin")) == bytes)
        }
    }

    @Test func refusesToRunUnattendedWithoutYes() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let file = try prepare(fleet, runbook: PlanCommandTests.runbook)
            let output = try await warden(["run", file, "-i", fleet.inventoryPath, "-p", "dir=\(fleet.directory.path)"])
            #expect(output.status == 2)
            #expect(output.stderr.contains("pass --yes to run it unattended"))
            for host in fleet.hosts {
                #expect(fleet.commands(receivedBy: host).isEmpty)
            }
        }
    }
}

@Suite("warden run --step")
struct StepModeTests {
    @Test func theOperatorRunsSkipsAndAbortsStepByStepAndCleanupStillRuns() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let file = fleet.directory.appendingPathComponent("walk.yaml").path
            try """
                name: walk
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: one
                    on: fleet
                    run: "echo MUTATE-ONE {{ host.name }}"
                  - id: two
                    on: fleet
                    run: "echo MUTATE-TWO"
                  - id: three
                    on: fleet
                    doc: the last one
                    run: "echo MUTATE-THREE"
                finally:
                  - id: tidy
                    on: fleet
                    run: "echo MUTATE-TIDY"
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let output = try await warden(["run", file, "-i", fleet.inventoryPath, "--yes", "--step",
                                           "--state", fleet.directory.appendingPathComponent("state").path],
                                          input: "y\nskip\nd\nwhat\na\n")
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
            #expect(output.stderr.contains("step 'one' [run, mutating]\n  h01: $ echo MUTATE-ONE h01\n  h02: $ echo MUTATE-ONE h02"))
            #expect(output.stderr.contains("  doc: the last one"))
            #expect(output.stderr.contains("answer y, s, a or d"))
            #expect(output.stdout.contains("Run ABORTED: aborted by the operator before step 'three'; cleanup ran."))
            for host in fleet.hosts {
                let received = fleet.commands(receivedBy: host)
                #expect(received.contains("MUTATE-ONE"))
                #expect(!received.contains("MUTATE-TWO"))
                #expect(!received.contains("MUTATE-THREE"))
                #expect(received.contains("MUTATE-TIDY"))
            }
        }
    }

    /// Issue 14, item 13: with --step the per-step questions are the
    /// confirmation; piped input once lost its first answer to "Type 'yes'",
    /// and [d]etails showed nothing of a step's timeout, retries or verify.
    @Test func withoutYesTheFirstAnswerGoesToTheFirstStepAndDetailsShowHowItRuns() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let file = fleet.directory.appendingPathComponent("walk.yaml").path
            try """
                name: walk
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: one
                    on: fleet
                    run: "echo MUTATE-ONE"
                    timeout: 30s
                    retries: 2
                    delay: 1s
                    expect: "exit == 0"
                    undo: "echo UNDO-ONE"
                    serial: 1
                    unguarded: scratch only
                    verify: {run: "echo VERIFIED", expect: "exit == 0"}
                  - id: two
                    on: fleet
                    run: "echo MUTATE-TWO"
                    unguarded: scratch only
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let output = try await warden(["run", file, "-i", fleet.inventoryPath, "--step",
                                           "--state", fleet.directory.appendingPathComponent("state").path],
                                          input: "d\ny\na\n")
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
            #expect(!output.stderr.contains("Type 'yes'"), "\(output.stderr)")
            #expect(!output.stderr.contains("nothing more to show"), "\(output.stderr)")
            for line in ["  timeout: 30s", "  retries: 2 (delay 1s)", "  expect: exit == 0", "  undo: echo UNDO-ONE",
                         "  verify: run: echo VERIFIED, expect: exit == 0", "  serial: 1", "  on: fleet"] {
                #expect(output.stderr.contains(line + "\n"), "missing \(line) in \(output.stderr)")
            }
            #expect(output.stdout.contains("aborted by the operator before step 'two'"), "\(output.stdout)")
            let received = fleet.commands(receivedBy: fleet.hosts[0])
            #expect(received.contains("MUTATE-ONE"))
            #expect(!received.contains("MUTATE-TWO"))
        }
    }
}

@Suite("Interrupting a run")
struct RunInterruptTests {
    @Test func aSecondInterruptWithoutATerminalLetsCleanupFinish() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let file = fleet.directory.appendingPathComponent("interrupted.yaml").path
            // Cleanup lasts until the test says so (at most a minute): the second signal surely
            // lands while it runs, however slowly this test sees cleanup start.
            let released = fleet.directory.appendingPathComponent("cleanup-may-end").path
            try """
                name: interrupted
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: long
                    on: fleet
                    run: "sleep 40; echo MUTATE-LONG"
                finally:
                  - id: tidy
                    on: fleet
                    run: "i=0; while [ ! -e \(released) ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; echo MUTATE-TIDY"
                """.write(toFile: file, atomically: true, encoding: .utf8)
            // setsid: no controlling terminal, as under a service manager.
            let background = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"],
                                                        launcher: ["/usr/bin/setsid", "--wait"], keepStandardError: true)
            let run = try await awaitRun(in: state, "the long step's intents") { _, events in
                events.contains { $0.kind == .intent && $0.step == "long" }
            }
            let pid = try #require(Int32(run.controller.split(separator: ":").last ?? ""))
            kill(pid, SIGINT)
            _ = try await awaitRun(in: state, "cleanup started") { _, events in
                events.contains { $0.kind == .stepStarted && $0.step == "tidy" }
            }
            kill(pid, SIGINT)
            // The handler has run (it says so) before cleanup is let end.
            try await background.waitForOutput(containing: "warden: cleanup continues")
            FileManager.default.createFile(atPath: released, contents: Data())
            let (status, stderr) = try await background.finish()
            let journal = try await Journal.open(directory: state)
            #expect(status == 1, "\(stderr)")
            #expect(stderr.contains("warden: cleanup continues (it returns the hosts to safe); send SIGKILL to give it up"))
            let finished = try #require(try await journal.run(run.id))
            #expect(finished.status == .ended(.aborted))
            #expect(finished.reason == "interrupted (Ctrl-C or SIGTERM) during step 'long'")
            let tidy = try await journal.events(of: run.id).filter { $0.step == "tidy" && $0.kind == .outcome }
            #expect(tidy.map(\.status) == [.ok, .ok])
            for host in fleet.hosts {
                #expect(fleet.commands(receivedBy: host).contains("MUTATE-TIDY"))
            }
        }
    }
}
