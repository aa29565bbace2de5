import Crypto
import Foundation
import Testing
import WardenCore
import WardenTesting

/// The in-memory transport gives what the SSH transport gives: results,
/// and failures of the same kinds, with the output so far; it records what
/// reached each host, and its fetches keep within their limits.
@Suite("In-memory transport")
struct InMemoryTransportTests {
    private let host = InventoryHost(name: "db1", address: "db1", user: "warden", auth: .agent(socket: nil),
                                     hostKey: .pinned(fingerprint: "SHA256:test"), location: SourceLocation(file: "inv.yaml", line: 1, column: 1))

    /// The `TransportError` that `body` throws (nil when it throws none, recorded when it throws another).
    private func failure(_ body: () async throws -> Void) async -> TransportError? {
        do {
            try await body()
            return nil
        } catch let error as TransportError {
            return error
        } catch {
            Issue.record("not a TransportError: \(error)")
            return nil
        }
    }

    @Test func theNewestMatchingRuleAnswersAndEveryCommandIsRecorded() async throws {
        let transport = InMemoryTransport()
        transport.on(.any, reply: .success("anything\n"))
        transport.on(.prefix("status"), host: "db1", reply: .exit(3, stdout: "degraded\n", stderr: "1 replica down\n"))
        let status = try await transport.run(RemoteCommand("status --json"), on: host)
        #expect(status.exitStatus == 3 && status.stdout.text == "degraded\n" && status.stderr.text == "1 replica down\n")
        #expect(try await transport.run(RemoteCommand("uptime"), on: host).stdout.text == "anything\n")
        #expect(transport.commands(receivedBy: "db1") == ["status --json", "uptime"])
    }

    @Test func anUnscriptedCommandExits127SoItShows() async throws {
        let result = try await InMemoryTransport().run(RemoteCommand("rm -rf /data"), on: host)
        #expect(result.exitStatus == 127)
        #expect(result.stderr.text.contains("no rule of in-memory host db1 answers: rm -rf /data"))
    }

    @Test func aHandlerKeepsStateOnTheHost() async throws {
        let transport = InMemoryTransport()
        transport.set("replicas", to: "3", on: "db1")
        transport.on(try .regex(#"^scale \d+$"#), host: "db1") { command, state in
            state.variables["replicas"] = String(command.line.dropFirst("scale ".count))
            return .success()
        }
        transport.on(.equals("replicas"), host: "db1") { _, state in .success(state.variables["replicas", default: "?"]) }
        _ = try await transport.run(RemoteCommand("scale 5"), on: host)
        #expect(try await transport.run(RemoteCommand("replicas"), on: host).stdout.text == "5")
        #expect(transport.variable("replicas", on: "db1") == "5")
    }

    @Test func aHostThatCannotBeReachedFailsWithTheKindGivenAndReceivesNothing() async throws {
        let transport = InMemoryTransport()
        for kind: TransportError.Kind in [.unreachable, .connectTimeout, .hostKeyChanged, .authFailed] {
            transport.failConnections(to: "db1", with: kind)
            let error = await failure { _ = try await transport.run(RemoteCommand("uptime"), on: host) }
            #expect(error?.kind == kind)
            #expect(error?.host == "db1")
            #expect(error?.description.hasPrefix("db1: ") == true)
        }
        #expect(transport.commands(receivedBy: "db1").isEmpty)
        transport.restoreConnections(to: "db1")
        transport.on(.any, reply: .success())
        #expect(try await transport.run(RemoteCommand("uptime"), on: host).succeeded)
    }

    @Test func aHangingCommandTimesOutByTheClockWithWhatItPrinted() async throws {
        let clock = TestClock()
        let transport = InMemoryTransport(clock: clock)
        transport.on(.any, reply: .hang(stdout: "copied 10%\n"))
        let running = Task { await failure { _ = try await transport.run(RemoteCommand("copy", timeout: .seconds(30)), on: host) } }
        try await clock.waitUntilAsleep(1)
        clock.advance(by: .seconds(29))
        #expect(transport.runningCount() == 1)
        clock.advance(by: .seconds(1))
        let error = await running.value
        #expect(error?.kind == .commandTimedOut)
        #expect(error?.partialResult?.stdout.text == "copied 10%\n")
        #expect(error?.description.contains("still running after 30s") == true, "\(error?.description ?? "")")
        #expect(transport.runningCount() == 0)
    }

    @Test func aCancelledCommandFailsAsCancelledAndStopsWaitingOnTheClock() async throws {
        let clock = TestClock()
        let transport = InMemoryTransport(clock: clock)
        transport.on(.any, reply: .hang())
        let running = Task { await failure { _ = try await transport.run(RemoteCommand("copy", timeout: .seconds(30)), on: host) } }
        try await clock.waitUntilAsleep(1)
        running.cancel()
        #expect(await running.value?.kind == .cancelled)
        #expect(clock.sleeperCount == 0)
    }

    @Test func aSlowCommandAnswersOnceItsTimeHasPassed() async throws {
        let clock = TestClock()
        let transport = InMemoryTransport(clock: clock)
        transport.on(.any, reply: .after(.seconds(20), .success("done\n")))
        let running = Task { try await transport.run(RemoteCommand("compact", timeout: .seconds(60)), on: host) }
        try await clock.waitUntilAsleep(1)
        clock.advance(by: .seconds(20))
        let result = try await running.value
        #expect(result.stdout.text == "done\n")
        #expect(result.duration == .seconds(20))
    }

    @Test func aKilledCommandHasASignalAndNoExitStatus() async throws {
        let transport = InMemoryTransport()
        transport.on(.any, reply: .hang(stdout: "working\n"))
        let running = Task { try await transport.run(RemoteCommand("work"), on: host) }
        try await transport.waitUntil("the command runs") { $0.runningCount(on: "db1") == 1 }
        transport.finishRunning(on: "db1", with: .killed(signal: "KILL"))
        let result = try await running.value
        #expect(result.exitStatus == nil && result.exitSignal == "KILL")
        #expect(result.stdout.text == "working\n")
    }

    @Test func aLostSessionIsAChannelFailureWithTheOutputSoFar() async throws {
        let transport = InMemoryTransport()
        transport.on(.any, reply: .sessionLost(stdout: "half\n"))
        let error = await failure { _ = try await transport.run(RemoteCommand("work"), on: host) }
        #expect(error?.kind == .channelFailure)
        #expect(error?.partialResult?.stdout.text == "half\n")
        #expect(error?.description.contains("it may or may not have finished on the host") == true)
    }

    @Test func everyStartedCommandReportsAProcessGroup() async throws {
        let transport = InMemoryTransport()
        transport.on(.any, reply: .success())
        let groups = GroupLog()
        for _ in 0..<2 {
            _ = try await transport.run(RemoteCommand("true"), on: host, onOutput: nil) { group in Task { await groups.add(group.id) } }
        }
        try await transport.waitUntil("nothing runs") { $0.runningCount() == 0 }
        let seen = await groups.waitFor(2)
        #expect(Set(seen).count == 2, "each command its own group: \(seen)")
        let silent = InMemoryTransport(reportsProcessGroups: false)
        silent.on(.any, reply: .success())
        _ = try await silent.run(RemoteCommand("true"), on: host, onOutput: nil) { _ in Issue.record("reported a group") }
    }

    @Test func outputBeyondTheLimitKeepsItsHeadAndTail() async throws {
        let transport = InMemoryTransport()
        transport.on(.any, reply: .success(String(repeating: "a", count: 10) + String(repeating: "b", count: 10)))
        let result = try await transport.run(RemoteCommand("dump", outputLimit: 8), on: host)
        #expect(result.stdout.droppedBytes == 12)
        #expect(result.stdout.totalBytes == 20)
        #expect(result.stdout.text == "aaaa\n[… 12 bytes dropped …]\nbbbb")
    }

    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-fetch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aFetchCopiesTheFileAndHashesIt() async throws {
        let local = try folder()
        defer { try? FileManager.default.removeItem(atPath: local) }
        let transport = InMemoryTransport()
        transport.setFile("/var/log/db.log", .text("line 1\nline 2\n"), on: "db1")
        let fetched = try await transport.fetch("/var/log/db.log", from: host, to: local + "/db.log", limits: FetchLimits())
        #expect(fetched.bytes == 14)
        #expect(try String(contentsOfFile: local + "/db.log", encoding: .utf8) == "line 1\nline 2\n")
        #expect(fetched.sha256 == SHA256.hash(data: Data("line 1\nline 2\n".utf8)).map { String(format: "%02x", $0) }.joined())
        #expect(transport.fetches(from: "db1") == ["/var/log/db.log"])
    }

    @Test func aFetchIsRefusedOrFailsAsOverSSHAndLeavesNothing() async throws {
        let local = try folder()
        defer { try? FileManager.default.removeItem(atPath: local) }
        let transport = InMemoryTransport()
        transport.setFile("/big", .regular(Data(count: 2048)), on: "db1")
        transport.setFile("/link", .symbolicLink(to: "/etc/shadow"), on: "db1")
        transport.setFile("/etc/shadow", .text("secret"), on: "db1")
        transport.setFile("/dir", .directory, on: "db1")
        let cases: [(String, FetchLimits, TransportError.Kind, String)] = [
            ("/big", FetchLimits(maxBytes: 1024), .transferRefused, "is 2048 bytes, over the cap of 1024 bytes"),
            ("/link", FetchLimits(), .transferRefused, "is a symbolic link to /etc/shadow; links are not followed"),
            ("/dir", FetchLimits(), .transferRefused, "not a regular file"),
            ("/missing", FetchLimits(), .transferFailed, "No such file"),
        ]
        for (path, limits, kind, detail) in cases {
            let error = await failure { _ = try await transport.fetch(path, from: host, to: local + "/out", limits: limits) }
            #expect(error?.kind == kind, "\(path)")
            #expect(error?.description.contains(detail) == true, "\(error?.description ?? "")")
            #expect(!FileManager.default.fileExists(atPath: local + "/out"))
        }
        let followed = try await transport.fetch("/link", from: host, to: local + "/out", limits: FetchLimits(followSymlinks: true))
        #expect(followed.bytes == 6)
    }

    @Test func aSlowFetchRunsOutOfItsTimeByTheClock() async throws {
        let local = try folder()
        defer { try? FileManager.default.removeItem(atPath: local) }
        let clock = TestClock()
        let transport = InMemoryTransport(clock: clock)
        transport.setFile("/core", .regular(Data(count: 100), readTime: .seconds(90)), on: "db1")
        let fetching = Task { await failure { _ = try await transport.fetch("/core", from: host, to: local + "/core", limits: FetchLimits(timeout: .seconds(60))) } }
        try await clock.waitUntilAsleep(1)
        clock.advance(by: .seconds(60))
        #expect(await fetching.value?.kind == .transferTimedOut)
        #expect(!FileManager.default.fileExists(atPath: local + "/core"))
    }
}

/// The process groups reported, as they come.
private actor GroupLog {
    private var ids: [Int32] = []
    private var waiting: [(Int, CheckedContinuation<[Int32], Never>)] = []

    func add(_ id: Int32) {
        ids.append(id)
        let ready = waiting.filter { ids.count >= $0.0 }
        waiting.removeAll { ids.count >= $0.0 }
        for (_, continuation) in ready { continuation.resume(returning: ids) }
    }

    func waitFor(_ count: Int) async -> [Int32] {
        if ids.count >= count { return ids }
        return await withCheckedContinuation { waiting.append((count, $0)) }
    }
}
