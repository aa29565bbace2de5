import Foundation
import Testing
import WardenTesting

@Suite("warden exec, the command")
struct ExecCommandTests {
    @Test func fiftyHostsGiveFiftyCorrectResults() async throws {
        try await withFleet(hosts: 50) { fleet in
            // SSH_CONNECTION's third field is the server address the session landed on: proof that
            // each result came from its own host, not a copy of another's.
            let run = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--output", "json", "--",
                                  "echo \"$SSH_CONNECTION\" | cut -d' ' -f3"])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            let hosts = document?["hosts"] as? [[String: Any]] ?? []
            #expect(hosts.count == 50)
            let expected = Dictionary(uniqueKeysWithValues: fleet.hosts.map { ($0.name, $0.address) })
            for entry in hosts {
                let name = entry["host"] as? String ?? "?"
                #expect(entry["ok"] as? Bool == true, "\(name): \(entry)")
                #expect(entry["exit_status"] as? Int == 0)
                // Absent values are explicit nulls, so scripts can rely on every key.
                #expect(entry["error"] is NSNull && entry["exit_signal"] is NSNull, "\(name): \(entry)")
                #expect((entry["stdout"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) == expected[name], "\(name)")
            }
            #expect(Set(hosts.compactMap { $0["host"] as? String }) == Set(expected.keys))
            let summary = document?["summary"] as? [String: Int]
            #expect(summary?["succeeded"] == 50 && summary?["failed"] == 0)
        }
    }

    @Test func repeatedRunsOnFiftyHostsAllExitCleanly() async throws {
        // warden once crashed at exit in ~7% of 50-host runs (pool threads exiting while
        // OpenSSL cleaned up); 12 runs would have caught that more often than not.
        try await withFleet(hosts: 50) { fleet in
            for run in 1...12 {
                let result = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--", "true"])
                #expect(result.status == 0, "run \(run): \(result.stdout.suffix(300)) \(result.stderr.suffix(2000))")
                if result.status != 0 { break }
            }
        }
    }

    @Test func jsonDurationsAreMillisecondsPastOneSecondToo() async throws {
        try await withFleet(hosts: 1) { fleet in
            let run = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--output", "json", "--", "sleep 1.3"])
            #expect(run.status == 0, "\(run.stderr)")
            let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            let host = (document?["hosts"] as? [[String: Any]])?.first
            let duration = host?["duration_ms"] as? Double ?? -1
            let elapsed = document?["elapsed_ms"] as? Double ?? -1
            // A 1.3 s command: once read as 1000 + 300,000 µs / 1000 = 301 "ms".
            #expect(duration >= 1300 && duration < 60_000, "duration_ms \(duration)")
            #expect(elapsed >= duration, "elapsed_ms \(elapsed) < duration_ms \(duration)")
        }
    }

    @Test func theTableShowsEveryHostAndASummary() async throws {
        try await withFleet(hosts: 3) { fleet in
            let run = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--", "echo line-one; echo line-two"])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("HOST") == true)
            for host in fleet.hosts {
                #expect(lines.contains { $0.hasPrefix(host.name) && $0.hasSuffix("line-one") && $0.contains(" 0 ") }, "\(run.stdout)")
            }
            #expect(run.stdout.contains("3 hosts in "))
            #expect(run.stdout.contains("3 succeeded, 0 failed"))
        }
    }

    @Test func aFailingHostMakesTheExitStatusOneAndIsNamed() async throws {
        try await withFleet(hosts: 3) { fleet in
            let bad = fleet.hosts[1]
            let run = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--",
                                  "[ \"$(echo $SSH_CONNECTION | cut -d' ' -f3)\" != \(bad.address) ] || exit 4"])
            #expect(run.status == 1)
            #expect(run.stdout.contains("2 succeeded, 1 failed: \(bad.name) (exit 4)"), "\(run.stdout)")
        }
    }

    @Test func anUnknownHostIsRefusedUntilNewKeysAreAccepted() async throws {
        try await withFleet(hosts: 2) { fleet in
            // The same fleet, with an empty known_hosts.
            let empty = fleet.directory.appendingPathComponent("empty_known_hosts").path
            try "".write(toFile: empty, atomically: true, encoding: .utf8)
            let inventory = fleet.directory.appendingPathComponent("strict.yaml").path
            let text = try String(contentsOfFile: fleet.inventoryPath, encoding: .utf8)
                .replacingOccurrences(of: fleet.knownHostsPath, with: empty)
            try text.write(toFile: inventory, atomically: true, encoding: .utf8)

            let refused = try await warden(["exec", "-i", inventory, "fleet", "--", "true"])
            #expect(refused.status == 1)
            #expect(refused.stdout.contains("host key unknown"))
            #expect(refused.stdout.contains("--accept-new-host-keys"))
            #expect(try String(contentsOfFile: empty, encoding: .utf8).isEmpty)

            let accepted = try await warden(["exec", "-i", inventory, "--accept-new-host-keys", "fleet", "--", "true"])
            #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
            #expect(try String(contentsOfFile: empty, encoding: .utf8).split(separator: "\n").count == 2)
        }
    }

    @Test func aTimeoutKillsTheCommandOnEveryHost() async throws {
        try await withFleet(hosts: 2) { fleet in
            let marker = uniqueSleepSeconds()
            let run = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--timeout", "500ms", "--", "sleep \(marker)"])
            #expect(run.status == 1)
            #expect(run.stdout.contains("command timed out"))
            let (status, output) = try await fleet.controller("pgrep -f '[s]leep \(marker)'")
            #expect(status == 1, "still running: \(output)")
        }
    }

    @Test func badInventoryYAMLIsInvalidInputWithItsLocation() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-inv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let broken = dir.appendingPathComponent("broken.yaml").path
        try "hosts:\n  h1:\n    address: [unclosed\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let syntax = try await warden(["exec", "-i", broken, "all", "--", "true"])
        #expect(syntax.status == 2)
        #expect(syntax.stderr.contains("broken.yaml:"), "\(syntax.stderr)")

        let typo = dir.appendingPathComponent("typo.yaml").path
        try "hosts:\n  h1:\n    adress: 127.0.0.1\n".write(toFile: typo, atomically: true, encoding: .utf8)
        let unknown = try await warden(["exec", "-i", typo, "all", "--", "true"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("typo.yaml:3:5:"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("address"))

        let missing = try await warden(["exec", "-i", dir.appendingPathComponent("nope.yaml").path, "all", "--", "true"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.yaml"))
    }

    @Test func anEmptyOrUnknownSelectionIsInvalidInputAndNothingRuns() async throws {
        try await withFleet(hosts: 2) { fleet in
            let marker = "/tmp/warden-must-not-exist-\(UUID().uuidString)"
            for pattern in ["odd:&even", "nosuchgroup", "!odd", ""] {
                let run = try await warden(["exec", "-i", fleet.inventoryPath, pattern, "--", "touch \(marker)"])
                #expect(run.status == 2, "pattern '\(pattern)': \(run.stdout) \(run.stderr)")
                #expect(run.stderr.contains("pattern"), "\(run.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: marker))
            #expect(fleet.log(of: fleet.hosts[0]).contains("Accepted") == false)
        }
    }

    /// Issue 12, finding 3: a host's output drove the operator's terminal.
    /// OSC 52 (write the clipboard), OSC 0 (the window title) and ESC[2J
    /// (clear the screen) are shown, never sent; `--output json` keeps the
    /// bytes, escaped by the JSON encoder as before.
    @Test func escapeSequencesAHostPrintsAreShownNotSent() async throws {
        try await withFleet(hosts: 1) { fleet in
            let command = #"printf '\033]52;c;cm0gLXJmIC8=\007\033[2J\033]0;owned\007done\n'; printf 'e\033[8m\rhidden\n' >&2; exit 3"#
            let run = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--", command])
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stdout.contains(#"\x1b]52;c;cm0gLXJmIC8=\x07\x1b[2J\x1b]0;owned\x07done"#), "\(run.stdout)")
            #expect(!run.stdout.utf8.contains(0x1B) && !run.stderr.utf8.contains(0x1B), "\(run.stdout)\(run.stderr)")
            #expect(!run.stdout.utf8.contains(0x07) && !run.stdout.utf8.contains(0x0D))

            let json = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--output", "json", "--", command])
            #expect(json.stdout.contains(#""stdout" : "\u001b]52;c;cm0gLXJmIC8=\u0007\u001b[2J"#), "\(json.stdout)")
            let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let host = (document?["hosts"] as? [[String: Any]])?.first
            #expect(host?["stdout"] as? String == "\u{1B}]52;c;cm0gLXJmIC8=\u{07}\u{1B}[2J\u{1B}]0;owned\u{07}done\n")
            #expect(host?["stderr"] as? String == "e\u{1B}[8m\rhidden\n")
        }
    }

    @Test func usageErrorsExitTwo() async throws {
        let noCommand = try await warden(["exec", "-i", "/dev/null", "all"])
        #expect(noCommand.status == 2)
        #expect(noCommand.stderr.contains("No command given"))
        let badTimeout = try await warden(["exec", "-i", "/dev/null", "all", "--timeout", "soon", "--", "true"])
        #expect(badTimeout.status == 2)
        #expect(badTimeout.stderr.contains("--timeout"))
        let unknownFlag = try await warden(["exec", "--frobnicate"])
        #expect(unknownFlag.status == 2)
    }
}
