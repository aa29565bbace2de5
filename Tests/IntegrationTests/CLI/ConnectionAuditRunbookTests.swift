import Foundation
import Testing
import WardenCore
import WardenTesting

/// `runbooks/pegasus/connection-audit.yaml` end to end: real TCP connections
/// on loopback to a listener the test starts (standing in for a meta
/// server's port), counted by `ss` on a real sshd host of the fleet (every
/// fleet host is this machine, so it sees the same sockets).
@Suite("Connection audit runbook")
struct ConnectionAuditRunbookTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let runbook = repository.appendingPathComponent("runbooks/pegasus/connection-audit.yaml").path

    /// A listening socket on 127.0.0.1 (a free port below the ephemeral range) with `counts[i]`
    /// established connections from source address `sources[i]`, held open
    /// by one python3 process until `close()`.
    final class Listener: @unchecked Sendable {
        let process = Process()
        private let input = Pipe()
        private let output = Pipe()
        private(set) var port = 0

        static let script = """
            import random, socket, sys
            # A port below the ephemeral range: a client socket of another test running alongside
            # can never have it as its own port, which the audit (ss sport = :PORT) would count.
            server = socket.socket()
            for _ in range(200):
                try:
                    server.bind(("127.0.0.1", random.randrange(20000, 30000)))
                    break
                except OSError:
                    continue
            server.listen(4096)
            held = []
            for pair in sys.argv[1:]:
                source, count = pair.split("=")
                for _ in range(int(count)):
                    client = socket.socket()
                    client.bind((source, 0))
                    client.connect(server.getsockname())
                    held += [client, server.accept()[0]]
            print(server.getsockname()[1], flush=True)
            sys.stdin.read()
            """

        init(_ connections: [(source: String, count: Int)]) async throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", Self.script] + connections.map { "\($0.source)=\($0.count)" }
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let handle = output.fileHandleForReading
            let line = try await onDedicatedThread { () -> String in
                var data = Data()
                while !data.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    data.append(chunk)
                }
                return String(decoding: data, as: UTF8.self)
            }
            guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                close()
                throw TestFailure("the listener did not start: \(line)")
            }
            self.port = port
        }

        /// Ends the listener (end of its input) and waits for it, polling for at most
        /// ten seconds: `waitUntilExit()` would spin a run loop on a cooperative thread.
        func close() {
            try? input.fileHandleForWriting.close()
            for _ in 0..<1000 where process.isRunning { usleep(10_000) }
            if process.isRunning { process.terminate() }
        }
    }

    private func inventory(_ fleet: LoopbackFleet) throws -> String {
        try fleet.writeInventory(named: "meta-inventory.yaml", groups: ["pegasus-meta"])
    }

    @Test func connectionAuditValidatesStrictlyAndIsListed() async throws {
        let output = try await warden(["validate", "--strict", Self.runbook])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("connection-audit.yaml: ok: 'pegasus-connection-audit'"), "\(output.stdout)")
        #expect(!output.stdout.contains("warning"), "\(output.stdout)")
        let text = try String(contentsOfFile: Self.runbook, encoding: .utf8)
        #expect(text.hasPrefix("# "))
        #expect(text.contains("When to use it:") && text.contains("What it changes: nothing."))
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("runbooks/README.md"), encoding: .utf8)
        #expect(readme.contains("| `pegasus/connection-audit.yaml` |"))
    }

    @Test func connectionAuditNamesTheAddressOverTheThresholdAndNotTheOther() async throws {
        try await withFleet(hosts: 1, logCommands: true) { fleet in
            let inventory = try inventory(fleet)
            let state = fleet.directory.appendingPathComponent("state").path
            // 120 connections from 127.0.0.2 (over the default 100), exactly 100 from 127.0.0.3 (not over).
            let listener = try await Listener([("127.0.0.2", 120), ("127.0.0.3", 100)])
            defer { listener.close() }

            let over = try await warden(["run", Self.runbook, "-i", inventory, "--state", state, "--yes", "-p", "port=\(listener.port)"])
            #expect(over.status == 1, "\(over.stdout)\(over.stderr)")
            #expect(over.stdout.contains("report [check on meta] FAILED"), "\(over.stdout)")
            #expect(over.stdout.contains("over 100 connections on port \(listener.port): 127.0.0.2(120)\n"), "\(over.stdout)")
            #expect(!over.stdout.contains("127.0.0.3("), "\(over.stdout)")

            // Above both: the run succeeds, and the counts come sorted, most first.
            let calm = try await warden(["run", Self.runbook, "-i", inventory, "--state", state, "--yes",
                                         "-p", "port=\(listener.port)", "-p", "threshold=150", "--output", "json"])
            #expect(calm.status == 0, "\(calm.stdout)\(calm.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(calm.stdout.utf8))
            #expect(report.status == .succeeded)
            let counted = try #require(report.steps.first { $0.id == "connections" }?.hosts.first)
            #expect(counted.output == "120 127.0.0.2\n100 127.0.0.3", "\(counted.output ?? "")")
            let summary = try #require(report.steps.first { $0.id == "report" }?.hosts.first)
            #expect(summary.output?.contains("port \(listener.port): 220 established connection(s) from 2 remote address(es)") == true,
                    "\(summary.output ?? "")")
            #expect(summary.output?.contains("no remote address has more than 150 connections") == true, "\(summary.output ?? "")")

            // Read-only: the host received the audit's two reads and nothing else, per run.
            let commands = fleet.commands(receivedBy: fleet.hosts[0])
            #expect(commands.components(separatedBy: "ss -Htn state established").count - 1 >= 2, "\(commands)")
        }
    }
}
