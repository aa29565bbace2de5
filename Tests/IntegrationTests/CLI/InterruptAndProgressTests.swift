import Foundation
import Testing
import WardenTesting

@Suite("warden exec on a terminal and under Ctrl-C")
struct InterruptAndProgressTests {
    @Test func ctrlCKillsTheRemoteCommandsAndExitsOne() async throws {
        try await withFleet(hosts: 2) { fleet in
            let marker = uniqueSleepSeconds()
            let binary = try wardenBinary()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["exec", "-i", fleet.inventoryPath, "fleet", "--", "sleep \(marker)"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            // Wait until the command runs on both hosts.
            var running = 0
            for _ in 0..<200 {
                let (_, count) = try await fleet.controller("pgrep -fc '[s]leep \(marker)' || true")
                running = Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                if running >= 2 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(running >= 2)
            process.interrupt()
            let status: Int32 = try await onDedicatedThread {
                process.waitUntilExit()
                return process.terminationStatus
            }
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(status == 1, "\(text)")
            #expect(text.contains("cancelled"), "\(text)")
            let (left, leftover) = try await fleet.controller("pgrep -f '[s]leep \(marker)'")
            #expect(left == 1, "still running on the hosts: \(leftover)")
        }
    }

    @Test func aTerminalGetsALinePerHostAndARunningCount() async throws {
        try await withFleet(hosts: 3) { fleet in
            let binary = try wardenBinary()
            // script(1) gives warden a real pseudo-terminal, as an operator's would be.
            let command = "\(binary) exec -i \(fleet.inventoryPath) fleet -- 'echo hello-from-host'"
            let run = try await runProcess("/usr/bin/script", ["-qec", command, "/dev/null"],
                                           environment: ProcessInfo.processInfo.environment.merging(["TERM": "xterm"]) { $1 })
            #expect(run.status == 0, "\(run.stdout)")
            for host in fleet.hosts {
                #expect(run.stdout.contains("ok   \(host.name)"), "\(run.stdout)")
            }
            #expect(run.stdout.contains("[3/3] 0 failed, 0 running"), "\(run.stdout)")
            #expect(run.stdout.contains("3 succeeded, 0 failed"))
        }
    }

    @Test func aRunOnATerminalShowsALiveLinePerRunningHost() async throws {
        try await withFleet(hosts: 2) { fleet in
            let file = fleet.directory.appendingPathComponent("live.yaml").path
            try """
                name: live
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: slow
                    on: fleet
                    run: "case {{ host.name }} in h01) sleep 2;; esac; echo done"
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let binary = try wardenBinary()
            let state = fleet.directory.appendingPathComponent("state").path
            let command = "\(binary) run \(file) -i \(fleet.inventoryPath) --state \(state) --yes"
            let run = try await runProcess("/usr/bin/script", ["-qec", command, "/dev/null"],
                                           environment: ProcessInfo.processInfo.environment.merging(["TERM": "xterm"]) { $1 })
            #expect(run.status == 0, "\(run.stdout)")
            // While h01 sleeps, its live line counts up; h02's result scrolls above it.
            #expect(run.stdout.contains("... h01 running slow for 1."), "\(run.stdout)")
            let h02 = try #require(run.stdout.range(of: "ok   h02 "))
            let h01 = try #require(run.stdout.range(of: "ok   h01 "))
            #expect(h02.lowerBound < h01.lowerBound)
            // The live block is erased (cursor up, clear) before each redraw and at the end.
            #expect(run.stdout.contains("\u{1B}[1A\r\u{1B}[J"))
            #expect(run.stdout.contains("slow: ok"))
        }
    }
}
