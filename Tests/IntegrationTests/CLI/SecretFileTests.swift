import Foundation
import Testing
import WardenCore
import WardenSSH
import WardenTesting

/// Issue 12, finding 4: a secret rendered into a command line is in the
/// host's process list for every account there. `{{ secret_file … }}` hands
/// it over as a private file instead; these tests look for the secret where
/// an intruder on the host would (every process's /proc/PID/cmdline: the
/// fleet's hosts are this machine) and where Warden keeps its records.
@Suite("Secret files: a secret reaches the command, never a command line")
struct SecretFileTests {
    /// One step that reads the secret from its file, records what it saw, then does `then`.
    private static let runbook = """
        name: secret-file
        params:
          token: {type: string, secret: true, required: true}
          out: {type: string, required: true}
          then: {type: string, required: true}
          limit: {type: duration, required: true}
        targets:
          one: {hosts: h01, exactly: 1}
        steps:
          - id: use
            on: one
            readonly: true
            timeout: "{{ params.limit }}"
            run: >-
              f={{ secret_file params.token }};
              sha256sum < "$f" | cut -d' ' -f1 > {{ params.out }}/digest;
              stat -c '%a %U' "$f" "${f%/*}" > {{ params.out }}/modes;
              echo "$f" > {{ params.out }}/path;
              {{ raw params.then }}
        """

    @Test func theCommandReadsTheSecretFromAFileWhileNoProcessCarriesItOnItsCommandLine() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let out = fleet.directory.appendingPathComponent("out").path
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let marker = "pw-\(UUID().uuidString)"
            // Quotes, a command substitution and a second line: whatever it holds arrives byte for byte.
            let secret = "\(marker) it's \"$(id)\" \\ %s\nsecond line é"
            let params = try write("""
                token: |-
                  \(marker) it's "$(id)" \\ %s
                  second line é
                out: \(out)
                then: sleep 3
                limit: 60s
                """, in: fleet, name: "params.yaml")
            let file = try write(Self.runbook, in: fleet, name: "secret-file.yaml")
            let state = fleet.directory.appendingPathComponent("state").path

            let validation = try await warden(["validate", file])
            #expect(!validation.stdout.contains("secret parameter") && !validation.stderr.contains("secret parameter"),
                    "secret_file is the form validate suggests: \(validation.stdout)\(validation.stderr)")

            let run = try BackgroundWarden.start(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--params", params])
            // Scan every process's command line until the command has been running a while (it sleeps 3 s
            // after writing the path), and once more after: the secret must never be on any of them.
            var seenRunning = false
            var sightings: [String] = []
            for _ in 0..<600 {
                sightings += Self.processesCarrying(Array(marker.utf8))
                if FileManager.default.fileExists(atPath: out + "/path") {
                    if seenRunning { break }
                    seenRunning = true
                    for _ in 0..<40 {
                        sightings += Self.processesCarrying(Array(marker.utf8))
                        try await Task.sleep(for: .milliseconds(25))
                    }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let (status, output) = try await run.finish()
            #expect(status == 0, "\(output)")
            #expect(seenRunning, "the command never ran: \(output)")
            #expect(sightings.isEmpty, "the secret is on a command line: \(sightings)")

            let digest = try String(contentsOfFile: out + "/digest", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let expected = fleet.directory.appendingPathComponent("expected").path
            try secret.write(toFile: expected, atomically: true, encoding: .utf8)
            #expect(try await fleet.shell("sha256sum < \(expected) | cut -d' ' -f1").trimmingCharacters(in: .whitespacesAndNewlines) == digest)
            let modes = try String(contentsOfFile: out + "/modes", encoding: .utf8)
            #expect(modes == "600 \(fleet.user)\n700 \(fleet.user)\n", "the file and its folder are the login account's alone")
            let path = try String(contentsOfFile: out + "/path", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(path.hasSuffix("/1") && path.contains("/warden-secrets."), "\(path)")
            #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent), "the folder outlived the command")

            #expect(!output.contains(marker))
            #expect(!fleet.commands(receivedBy: fleet.hosts[0]).contains(marker), "the secret reached sshd's command line")
            #expect(try Self.filesCarrying(Array(marker.utf8), under: state).isEmpty)
            let journal = try await Journal.open(directory: state)
            let runID = try #require(try await journal.runs().first?.id)
            let intents = try await journal.events(of: runID).filter { $0.kind == .intent }.compactMap(\.command)
            #expect(intents.count == 1 && intents.allSatisfy { $0.hasPrefix("f=\"${WARDEN_SECRETS:?}/1\";") }, "\(intents)")
        }
    }

    @Test func theFilesAreGoneWhenATimeoutKillsTheCommandEvenOneThatIgnoresTerm() async throws {
        try await withFleet(hosts: 1) { fleet in
            let out = fleet.directory.appendingPathComponent("out").path
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let marker = "pw-\(UUID().uuidString)"
            let file = try write(Self.runbook, in: fleet, name: "secret-timeout.yaml")
            let state = fleet.directory.appendingPathComponent("state").path
            let seconds = uniqueSleepSeconds()
            let result = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes",
                                           "-p", "out=\(out)", "-p", "limit=2s", "-p", "then=trap '' TERM; sleep \(seconds)"],
                                          environment: ["WARDEN_PARAM_TOKEN": marker])
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("timed out") || result.stdout.contains("still running after"), "\(result.stdout)")
            let path = try String(contentsOfFile: out + "/path", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(path.contains("/warden-secrets."), "\(path)")
            #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent),
                    "the secret folder outlived the timeout")
            #expect(!result.stdout.contains(marker) && !result.stderr.contains(marker))
            #expect(try Self.filesCarrying(Array(marker.utf8), under: state).isEmpty)
            // The KILL two seconds after the TERM ends what ignored it.
            var left = ""
            for _ in 0..<100 {
                left = try await fleet.controller("pgrep -f '[s]leep \(seconds)' || true").output
                if left.isEmpty { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(left.isEmpty, "still running: \(left)")
        }
    }

    @Test func anySecretBytesArriveWholeOverSSH() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let binary = (0...255).map(UInt8.init) + [0, 10, 10, 0]
            let text = Array("it's \"$(id)\" `id` \\c %s\n".utf8)
            let result = try await client.exec(
                ExecRequest(command: #"od -An -tx1 -v "$WARDEN_SECRETS/1" | tr -d ' \n'; echo; cat "$WARDEN_SECRETS/2"; cat "$WARDEN_SECRETS/3"; echo end; cat"#,
                            secretFiles: [binary, text, []]),
                on: fleet.target())
            #expect(result.exitStatus == 0, "\(result.stderr.text)")
            let lines = result.stdout.text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first.map(String.init) == binary.map { String(format: "%02x", $0) }.joined())
            // The third file is empty, and the command's stdin is at its end (cat returns at once).
            #expect(result.stdout.text.hasSuffix("\n" + String(decoding: text, as: UTF8.self) + "end\n"))
            await client.close()
        }
    }

    /// `pid: command line` of every process whose command line holds `needle`.
    private static func processesCarrying(_ needle: [UInt8]) -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { $0.allSatisfy(\.isNumber) } ?? []
        var found: [String] = []
        for pid in pids {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), contains(Array(data), needle) else { continue }
            found.append("\(pid): " + String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self))
        }
        return found
    }

    /// Every file under `folder` (the state folder: the journal, its WAL, artifacts) holding `needle`.
    private static func filesCarrying(_ needle: [UInt8], under folder: String) throws -> [String] {
        let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        #expect(files.contains { $0.hasPrefix("journal.sqlite") }, "no journal in \(folder): \(files)")
        return files.filter { name in
            FileManager.default.contents(atPath: folder + "/" + name).map { contains(Array($0), needle) } ?? false
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }
}
