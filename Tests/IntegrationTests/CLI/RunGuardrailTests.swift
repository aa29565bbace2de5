import Foundation
import Testing
import WardenCore
import WardenTesting

/// The limits a run works within, on the fleet: a lock two runs cannot hold
/// at once, a maintenance window, and a watch that aborts the run.
@Suite("Locks, windows and watches")
struct RunGuardrailTests {
    @Test func aHeldLockBlocksASecondRunUntilItsHolderIsGone() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let file = try write("""
                name: locked
                params:
                  seconds: {type: int, default: 300}
                  cluster: {type: string, default: main}
                targets:
                  one: {hosts: h01, exactly: 1}
                lock: "cluster/{{ params.cluster }}"
                steps:
                  - id: hold
                    on: one
                    run: "sleep {{ params.seconds }}"
                """, in: fleet, name: "locked.yaml")
            // The holder sleeps far longer than the test takes to crash it: on a loaded machine (CI's two
            // cores) 30 s ran out first, the holder released its lock, and there was nothing to take over.
            let first = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            let journal = try await Journal.open(directory: state)
            var holder: String?
            for _ in 0..<1200 {
                if let lock = try await journal.locks().first { holder = lock.runID; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let firstRun = try #require(holder)

            let second = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(second.status == 3, "\(second.stdout)\(second.stderr)")
            #expect(second.stderr.contains("lock 'cluster/main' is held by run \(firstRun)"))
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).components(separatedBy: "sleep 300").count == 2)

            // Another lock name is free.
            let other = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "-p", "seconds=0", "-p", "cluster=other"])
            #expect(other.status == 0, "\(other.stdout)\(other.stderr)")

            // The holder dies without releasing it: the next run takes it over, and says so.
            try await first.crash()
            let third = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "-p", "seconds=0", "--output", "json"])
            #expect(third.status == 0, "\(third.stdout)\(third.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(third.stdout.utf8))
            let events = try await journal.events(of: report.runID)
            #expect(events.contains { $0.kind == .note && ($0.detail ?? "").contains("took over lock 'cluster/main' from run \(firstRun)") })
            let locks = try await journal.locks()
            #expect(locks.isEmpty, "released after the run: \(locks)")
        }
    }

    /// A runbook holding `pegasus/<fresh name>` on h01 for `seconds` (a param,
    /// default 30): its path, and the lock directory it takes on the host.
    private func hostLockedRunbook(in fleet: LoopbackFleet, lease: String) throws -> (file: String, lock: String, directory: String) {
        let cluster = "c\(UUID().uuidString.prefix(8))"
        let file = try write("""
            name: locked-on-host
            params:
              seconds: {type: int, default: 30}
            targets:
              admin: {hosts: h01, exactly: 1}
            lock: {name: "pegasus/\(cluster)", on: admin, lease: \(lease)}
            steps:
              - id: hold
                on: admin
                run: "echo hold-{{ params.seconds }}; sleep {{ params.seconds }}"
            """, in: fleet, name: "locked-on-host.yaml")
        return (file, "pegasus/\(cluster)", fleet.stateFolder(of: fleet.hosts[0]) + "/locks/pegasus_" + cluster)
    }

    @Test func aLockOnTheClusterExcludesARunFromAnotherControllerUntilTheLeaseLapses() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            // Two controllers, each with its own state folder: only the lock directory on h01 is shared.
            let stateA = fleet.directory.appendingPathComponent("state-a").path
            let stateB = fleet.directory.appendingPathComponent("state-b").path
            // Ten seconds: renewed every third of it, so a starved test machine (a full CI run) still renews
            // in time, and the lapse after the crash is not long to wait for.
            let (file, lock, lockDirectory) = try hostLockedRunbook(in: fleet, lease: "10s")
            defer { try? FileManager.default.removeItem(atPath: lockDirectory) }
            let first = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", stateA, "--yes"])
            let holder = try await awaitRun(in: stateA, "the hold step to start") { _, events in
                events.contains { $0.step == "hold" && $0.kind == .intent }
            }
            // The lock directory on the host names the run that holds it.
            let owner = try String(contentsOfFile: lockDirectory + "/owner", encoding: .utf8)
            #expect(owner.contains("run=\(holder.id)\n"), "\(owner)")

            let refused = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", stateB, "--yes", "-p", "seconds=0"])
            #expect(refused.status == 3, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("lock '\(lock)' on h01 is held by another controller's run (run=\(holder.id), owner="),
                    "\(refused.stderr)")
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).components(separatedBy: "echo hold-0").count == 1)

            // The holder dies: its lease is not renewed and lapses; then the other controller takes the lock over.
            try await first.crash()
            try await awaitLapse(of: lockDirectory)
            let taken = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", stateB, "--yes", "-p", "seconds=0", "--output", "json"])
            #expect(taken.status == 0, "\(taken.stdout)\(taken.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(taken.stdout.utf8))
            let journal = try await Journal.open(directory: stateB)
            let events = try await journal.events(of: report.runID)
            #expect(events.contains { ($0.detail ?? "").contains("took over lock '\(lock)' on h01 from run \(holder.id), whose lease had lapsed") })
            // Released at the end of the run.
            #expect(!FileManager.default.fileExists(atPath: lockDirectory))
        }
    }

    /// Returns once the lease in the lock directory's owner file has lapsed by the host's clock (this
    /// machine's: the fleet's hosts run here), read as the lock script reads it: `expires` < `date +%s`.
    /// The file is read again on every turn: a renewal the holder sent just before it was killed still
    /// runs on the host and may push `expires` on after the first read (seen in CI).
    private func awaitLapse(of lockDirectory: String) async throws {
        while true {
            let owner = try String(contentsOfFile: lockDirectory + "/owner", encoding: .utf8)
            let expires = try #require(owner.split(separator: "\n").first { $0.hasPrefix("expires=") }.flatMap { Int($0.dropFirst("expires=".count)) })
            if Int(Date().timeIntervalSince1970) > expires { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func breakingALockAlsoRemovesItsDirectoryOnTheLockHost() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let stateA = fleet.directory.appendingPathComponent("state-a").path
            let stateB = fleet.directory.appendingPathComponent("state-b").path
            let (file, lock, lockDirectory) = try hostLockedRunbook(in: fleet, lease: "10m")
            defer { try? FileManager.default.removeItem(atPath: lockDirectory) }
            let first = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", stateA, "--yes"])
            _ = try await awaitRun(in: stateA, "the hold step to start") { _, events in events.contains { $0.kind == .intent } }
            try await first.crash()
            #expect(FileManager.default.fileExists(atPath: lockDirectory + "/owner"))

            // The operator knows the holder is gone: breaking it, with the inventory, frees the cluster at once.
            let broken = try await warden(["locks", "break", lock, "--reason", "its controller was killed", "--state", stateA,
                                           "-i", fleet.inventoryPath])
            #expect(broken.status == 0, "\(broken.stdout)\(broken.stderr)")
            #expect(broken.stdout.contains("no lock directory of this run remains on h01"), "\(broken.stdout)")
            #expect(!FileManager.default.fileExists(atPath: lockDirectory))
            let next = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", stateB, "--yes", "-p", "seconds=0"])
            #expect(next.status == 0, "not the 10 minute lease: \(next.stdout)\(next.stderr)")
        }
    }

    @Test func outsideTheWindowNothingStarts() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            // A window that opens two hours from now.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let hour = calendar.component(.hour, from: Date())
            func text(_ value: Int) -> String { (value < 10 ? "0" : "") + "\(value):00" }
            let file = try write("""
                name: windowed
                targets:
                  one: {hosts: h01, exactly: 1}
                window: {between: "\(text((hour + 2) % 24))-\(text((hour + 3) % 24))", timezone: UTC}
                steps:
                  - id: change
                    on: one
                    run: "echo MUTATE"
                """, in: fleet, name: "windowed.yaml")
            let plan = try await warden(["plan", file, "-i", fleet.inventoryPath])
            #expect(plan.status == 3)
            #expect(plan.stdout.contains("The run would be BLOCKED: outside the maintenance window"))
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", fleet.directory.appendingPathComponent("state").path, "--yes"])
            #expect(run.status == 3)
            #expect(run.stdout.contains("Not started: nothing was changed."))
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).isEmpty)
        }
    }

    @Test func aWindowFromParametersServesEverySite() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let file = try write("""
                name: site-window
                params:
                  window: {type: string, default: "01:00-06:00", doc: "the site's low-traffic window"}
                  timezone: {type: string, default: Asia/Shanghai}
                targets:
                  one: {hosts: h01, exactly: 1}
                window: {between: "{{ params.window }}", timezone: "{{ params.timezone }}"}
                steps:
                  - id: change
                    on: one
                    run: "echo MUTATE"
                """, in: fleet, name: "site-window.yaml")
            let validated = try await warden(["validate", file])
            #expect(validated.status == 0, "\(validated.stdout)")
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let hour = calendar.component(.hour, from: Date())
            func text(_ value: Int) -> String { String(format: "%02d:00", (value + 24) % 24) }
            let open = try await warden(["plan", file, "-i", fleet.inventoryPath, "-p", "window=\(text(hour - 1))-\(text(hour + 2))", "-p", "timezone=UTC"])
            #expect(open.status == 0, "\(open.stdout)\(open.stderr)")
            #expect(open.stdout.contains("UTC"), "\(open.stdout)")
            let closed = try await warden(["plan", file, "-i", fleet.inventoryPath, "-p", "window=\(text(hour + 2))-\(text(hour + 3))", "-p", "timezone=UTC"])
            #expect(closed.status == 3)
            #expect(closed.stdout.contains("outside the maintenance window \(text(hour + 2))-\(text(hour + 3)) UTC"))
            let bad = try await warden(["plan", file, "-i", fleet.inventoryPath, "-p", "window=2am-5am"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("site-window.yaml:7:19: with the parameters given: between must be \"HH:MM-HH:MM\" with different start and end, got '2am-5am'"),
                    "\(bad.stderr)")
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).isEmpty)
        }
    }

    @Test func theStepsStopWhereTheCleanupReserveBeginsAndCleanupStillRuns() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            // A window that closes in one to two minutes, keeping all but the next 20 seconds for cleanup: on a
            // loaded machine (CI runs the whole suite on two cores) the binary may take several seconds to start.
            let now = Date()
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let minute = calendar.component(.hour, from: now) * 60 + calendar.component(.minute, from: now)
            func text(_ minute: Int) -> String {
                let wrapped = (minute + 24 * 60) % (24 * 60)
                return String(format: "%02d:%02d", wrapped / 60, wrapped % 60)
            }
            let remaining = 120 - Int(now.timeIntervalSince1970.truncatingRemainder(dividingBy: 60))
            let file = try write("""
                name: reserved
                targets:
                  one: {hosts: h01, exactly: 1}
                window: {between: "\(text(minute - 60))-\(text(minute + 2))", timezone: UTC, cleanup_reserve: \(remaining - 20)s}
                probes:
                  never: {on: one, run: "echo no", parse: lines}
                steps:
                  - id: lively
                    on: one
                    run: "echo MUTATE-LIVELY"
                  - id: balance
                    wait: {probe: never, until: "false", every: 1s, timeout: window}
                finally:
                  - id: steady
                    on: one
                    run: "echo MUTATE-STEADY"
                """, in: fleet, name: "reserved.yaml")
            let clock = ContinuousClock()
            let start = clock.now
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", fleet.directory.appendingPathComponent("state").path,
                                        "--yes", "--output", "json"])
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            // Stopped at the reserve (about 20 seconds), not at the window's end a minute or more later.
            #expect(clock.now - start < .seconds(55))
            let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))
            #expect(report.reason?.contains("window") == true, "\(report.reason ?? "") \(report.steps.map(\.summary))")
            #expect(report.cleanup.map(\.status) == [.ok])
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).contains("MUTATE-STEADY"))

            // Inside the reserve, a run does not start at all: the same window, keeping more than what is left of it.
            let late = try write(try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
                of: "cleanup_reserve: \(remaining - 20)s", with: "cleanup_reserve: \(remaining + 60)s"), in: fleet, name: "late.yaml")
            let planned = try await warden(["plan", late, "-i", fleet.inventoryPath])
            #expect(planned.status == 3, "\(planned.stdout)")
            #expect(planned.stdout.contains("kept for cleanup: too late to start"), "\(planned.stdout)")
        }
    }

    @Test func guardsReadingOneProbeShareOneSampleBeforeEachChange() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let file = try write("""
                name: guards-share
                targets:
                  one: {hosts: h01, exactly: 1}
                probes:
                  state: {on: one, run: "echo PROBE-STATE >/dev/null; echo '{\\"a\\": 1, \\"b\\": 2, \\"c\\": 3}'", parse: json}
                guards:
                  - {probe: state, expect: result.a == 1}
                  - {probe: state, expect: result.b == 2}
                  - {probe: state, expect: result.c == 3}
                steps:
                  - {id: first, on: one, run: "echo MUTATE-1"}
                  - {id: second, on: one, run: "echo MUTATE-2"}
                """, in: fleet, name: "guards-share.yaml")
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", fleet.directory.appendingPathComponent("state").path, "--yes"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            // Once for the plan, once before each of the two changes: not once per guard.
            #expect(fleet.commands(receivedBy: fleet.hosts[0]).components(separatedBy: "PROBE-STATE").count - 1 == 3)
        }
    }

    @Test func aWatchBreachDuringAWaitRollsTheChangesBackThenCleansUp() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let flag = fleet.directory.appendingPathComponent("alarm").path
            try "{\"alarm\": false}\n".write(toFile: flag, atomically: true, encoding: .utf8)
            let file = try write("""
                name: watched-wait
                targets:
                  one: {hosts: h01, exactly: 1}
                probes:
                  alarm: {on: one, run: "cat \(flag)", parse: json}
                watch: {every: 300ms, probe: alarm, abort_if: result.alarm}
                steps:
                  - id: lively
                    on: one
                    run: "echo MUTATE-LIVELY"
                    undo: "echo UNDO-LIVELY"
                  - id: balanced
                    wait: {probe: alarm, until: "false", every: 300ms, timeout: 60s}
                finally:
                  - id: steady
                    on: one
                    run: "echo MUTATE-STEADY"
                """, in: fleet, name: "watched-wait.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let raise = Task {
                _ = try await awaitRun(in: state, "the wait to start") { _, events in
                    events.contains { $0.kind == .stepStarted && $0.step == "balanced" }
                }
                try "{\"alarm\": true}\n".write(toFile: flag, atomically: true, encoding: .utf8)
            }
            let output = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            try await raise.value
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(output.stdout.utf8))
            #expect(report.status == .aborted)
            #expect(report.reason?.hasPrefix("watch at ") == true, "\(report.reason ?? "")")
            #expect(report.rollback.map(\.id) == ["lively"])
            #expect(report.rollback.first?.status == .ok)
            #expect(report.cleanup.map(\.status) == [.ok])
            // On the host: the change, its undo, then cleanup, in that order.
            let received = fleet.commands(receivedBy: fleet.hosts[0])
            let change = try #require(received.range(of: "MUTATE-LIVELY"))
            let undo = try #require(received.range(of: "UNDO-LIVELY"))
            let cleanup = try #require(received.range(of: "MUTATE-STEADY"))
            #expect(change.lowerBound < undo.lowerBound && undo.lowerBound < cleanup.lowerBound)
        }
    }

    @Test func aWatchThatFiresAbortsTheRunKillsTheCommandAndCleanupRuns() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let flag = fleet.directory.appendingPathComponent("alarm").path
            try "{\"alarm\": false}\n".write(toFile: flag, atomically: true, encoding: .utf8)
            let file = try write("""
                name: watched
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                probes:
                  alarm: {on: fleet, run: "cat \(flag)", parse: json}
                guards:
                  - probe: alarm
                    expect: not result.alarm
                watch:
                  every: 1s
                  probe: alarm
                  abort_if: result.alarm
                  message: the cluster raised an alarm
                steps:
                  - id: long
                    on: fleet
                    run: "sleep 600; echo MUTATE-FINISHED"
                  - id: next
                    on: fleet
                    run: "echo MUTATE-NEXT"
                finally:
                  - id: tidy
                    on: fleet
                    run: "echo MUTATE-TIDY"
                """, in: fleet, name: "watched.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            // Raised once the long command runs on both hosts (its intents are journaled and the hosts have it).
            let raise = Task {
                _ = try await awaitRun(in: state, "the long step's intents") { _, events in
                    events.filter { $0.kind == .intent && $0.step == "long" }.count == 2
                }
                for _ in 0..<600 where !fleet.hosts.allSatisfy({ fleet.commands(receivedBy: $0).contains("MUTATE-FINISHED") }) {
                    try await Task.sleep(for: .milliseconds(50))
                }
                try "{\"alarm\": true}\n".write(toFile: flag, atomically: true, encoding: .utf8)
            }
            let clock = ContinuousClock()
            let start = clock.now
            let output = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            _ = try await raise.value
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
            // Far short of the long command's ten minutes: it was stopped, not waited for.
            #expect(clock.now - start < .seconds(240))
            let report = try JSONDecoder().decode(RunReport.self, from: Data(output.stdout.utf8))
            #expect(report.status == .aborted)
            #expect(report.reason?.contains("fired (the cluster raised an alarm): result.alarm holds") == true)
            #expect(report.cleanup.map(\.status) == [.ok], "\(report.cleanup)")
            for host in fleet.hosts {
                let received = fleet.commands(receivedBy: host)
                #expect(!received.contains("MUTATE-NEXT"))
                #expect(received.contains("MUTATE-TIDY"))
            }
            // The long command was killed on the hosts, not left to finish (its processes may take a moment to go).
            var leftover = try await runProcess("/usr/bin/pgrep", ["-f", "sleep 600; echo MUTATE-FINISHED"])
            for _ in 0..<100 where !leftover.stdout.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                leftover = try await runProcess("/usr/bin/pgrep", ["-f", "sleep 600; echo MUTATE-FINISHED"])
            }
            #expect(leftover.stdout.isEmpty, "still running: \(leftover.stdout)")
        }
    }
}
