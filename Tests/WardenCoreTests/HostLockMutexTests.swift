import Foundation
import Testing
@testable import WardenCore

/// The mutex under which a lock directory's owner file is rewritten, on a real
/// shell and file system: a writer killed half-way (a Ctrl-C, a dead
/// controller) holds nobody up, a writer still running is waited for, and
/// writers racing for a lapsed lock let exactly one in.
@Suite("Host lock mutex")
struct HostLockMutexTests {
    private struct Scene {
        let root: String
        let state: String
        let host: InventoryHost
        let transport = LocalShellTransport()
        var mutex: String { state + "/locks/pegasus_c1.mutex" }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("host-lock-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            state = root + "/warden"
            host = InventoryHost.local(stateFolder: state)
        }

        /// The lock `pegasus/c1` as `run` holds it; a writer waits `wait` for the mutex.
        func lock(run: String = "run-a", wait: Duration = .seconds(10)) -> HostLock {
            var lock = HostLock(name: "pegasus/c1", runID: run, owner: "tester on controller", lease: .seconds(60),
                                folder: HostStateFolder(configured: state))
            lock.mutexWait = wait
            return lock
        }

        /// A mutex as a writer leaves it when killed after taking it: its directory, and its pid when it got that far.
        func leaveMutex(pid: pid_t?) throws {
            try FileManager.default.createDirectory(atPath: mutex, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            if let pid { try "\(pid)\n".write(toFile: mutex + "/pid", atomically: false, encoding: .utf8) }
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    /// How many times (every 50 ms) a test looks for what a process it started should do at
    /// once: a minute, for a machine busy with the rest of the suite.
    private static let polls = 1200

    /// The pid of a process that has ended and been reaped.
    private func endedProcess() async throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        try await Self.exit(of: process)
        return process.processIdentifier
    }

    /// Waits (up to a minute) for `process` to end, without holding a thread: `waitUntilExit()`
    /// blocks the cooperative thread it runs on, and can spin there for ever off the main run
    /// loop; two of them at once would stall every test of the process.
    private static func exit(of process: Process) async throws {
        for _ in 0..<polls where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        try #require(!process.isRunning, "process \(process.processIdentifier) still runs a minute later")
    }

    @Test func aMutexWhoseWriterIsGoneIsRemovedAtOnce() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        #expect(try await scene.lock().acquire(on: scene.host, transport: scene.transport) == .acquired)

        // Fresh, so the minute-old rule alone would keep it for another minute.
        try scene.leaveMutex(pid: try await endedProcess())
        #expect(try await scene.lock().renew(on: scene.host, transport: scene.transport) == .renewed)
        #expect(!FileManager.default.fileExists(atPath: scene.mutex), "the renewal's own mutex is gone with it")

        try scene.leaveMutex(pid: try await endedProcess())
        #expect(try await scene.lock().release(on: scene.host, transport: scene.transport) == .released)
        #expect(!FileManager.default.fileExists(atPath: scene.state + "/locks/pegasus_c1"))
    }

    @Test func aMutexWhoseWriterStillRunsIsWaitedForAndOnlyAMinuteOldOneWithoutAPidIsRemoved() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        #expect(try await scene.lock().acquire(on: scene.host, transport: scene.transport) == .acquired)

        // This test's own process: running.
        try scene.leaveMutex(pid: getpid())
        let waited = await hostStateRefusal { _ = try await scene.lock(wait: .seconds(1)).renew(on: scene.host, transport: scene.transport) }
        #expect(waited?.kind == .unexpectedAnswer)
        #expect(waited?.message.contains("busy (held by process \(getpid()) on this host)") == true, "\(String(describing: waited))")

        // No pid: a writer killed between taking the mutex and writing its pid, or an older Warden's writer still at work.
        try FileManager.default.removeItem(atPath: scene.mutex + "/pid")
        let unnamed = await hostStateRefusal { _ = try await scene.lock(wait: .seconds(1)).renew(on: scene.host, transport: scene.transport) }
        #expect(unnamed?.message.contains("busy") == true, "\(String(describing: unnamed))")

        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: scene.mutex)
        #expect(try await scene.lock().renew(on: scene.host, transport: scene.transport) == .renewed)
    }

    @Test func aWriterKilledHalfWayHoldsTheLocksFolderOnlyWhileItRuns() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        #expect(try await scene.lock().acquire(on: scene.host, transport: scene.transport) == .acquired)

        // What a writer has done when it is killed inside the mutex: the kernel lock, the mutex, its pid.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", #"exec 9<"$1/locks"; flock 9; mkdir -m 700 "$1/locks/pegasus_c1.mutex"; echo $$ > "$1/locks/pegasus_c1.mutex/pid"; exec sleep 60"#,
                            "writer", scene.state]
        try writer.run()
        defer { if writer.isRunning { kill(writer.processIdentifier, SIGKILL) } }
        for _ in 0..<Self.polls where !FileManager.default.fileExists(atPath: scene.mutex + "/pid") {
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(FileManager.default.fileExists(atPath: scene.mutex + "/pid"), "the writer took the mutex")

        // While it runs: the kernel lock is its, and then its mutex (its pid is alive) is waited for.
        let whileRunning = await hostStateRefusal { _ = try await scene.lock(wait: .seconds(1)).renew(on: scene.host, transport: scene.transport) }
        #expect(whileRunning?.message.contains("busy (held by process \(writer.processIdentifier) on this host)") == true,
                "\(String(describing: whileRunning))")

        kill(writer.processIdentifier, SIGKILL)
        try await Self.exit(of: writer)
        #expect(FileManager.default.fileExists(atPath: scene.mutex), "killed, it left its mutex behind")
        #expect(try await scene.lock().renew(on: scene.host, transport: scene.transport) == .renewed)
    }

    @Test func aWriterStoppedInsideTheMutexRemovesItOnTheWayOut() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        #expect(try await scene.lock().acquire(on: scene.host, transport: scene.transport) == .acquired)

        // The real renewal, with an `mv` that hangs: it is stopped inside the mutex, as a transport
        // stops a command (TERM to its process group, its own session as sshd gives it).
        // Written by a shell that has exited before the writer starts: written here, its open file
        // could be inherited by a process another test spawns at that moment, and executing a file
        // open for writing fails (ETXTBSY), so sh would quietly run /usr/bin/mv instead (seen twice).
        let bin = scene.root + "/bin"
        let made = try await LocalProcess.withPrivateFolder { folder in
            await LocalProcess.run("/bin/sh", ["-c", #"mkdir -- "$0" && printf '#!/bin/sh\nexec sleep 60\n' > "$0/mv" && chmod 755 "$0/mv""#, bin],
                                   in: folder)
        }
        try #require(made.status == 0, "\(made.stderr)")
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", scene.lock().script(action: "renew")]
        writer.environment = ["PATH": bin + ":/usr/bin:/bin"]
        let output = scene.root + "/writer.out"
        FileManager.default.createFile(atPath: output, contents: nil)
        let outputHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        writer.standardOutput = outputHandle
        writer.standardError = outputHandle
        try writer.run()
        try outputHandle.close()
        defer { if writer.isRunning { kill(-writer.processIdentifier, SIGKILL) } }
        for _ in 0..<Self.polls where writer.isRunning && !FileManager.default.fileExists(atPath: scene.mutex + "/pid") {
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(FileManager.default.fileExists(atPath: scene.mutex + "/pid"),
                     "the renewal took the mutex; it \(writer.isRunning ? "still runs" : "exited \(writer.terminationStatus)"): \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
        let signalled = kill(-writer.processIdentifier, SIGTERM)
        #expect(signalled == 0, "errno \(errno)")
        try await Self.exit(of: writer)
        #expect(writer.terminationStatus == 143, "it ended through its TERM trap")
        #expect(!FileManager.default.fileExists(atPath: scene.mutex), "its mutex went with it")
        #expect(try await scene.lock(wait: .seconds(1)).renew(on: scene.host, transport: scene.transport) == .renewed)
    }

    @Test func aWriterThatCannotGetTheKernelLockGoesOnUnderTheMutexAlone() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        #expect(try await scene.lock().acquire(on: scene.host, transport: scene.transport) == .acquired)
        // Something holds the kernel lock on the locks folder and never lets go (an older Warden's
        // writer waiting on its own mutex would, for a while); no mutex is taken.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [scene.state + "/locks", "sleep", "60"]
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        // /proc/locks: "1: FLOCK  ADVISORY  WRITE PID MAJOR:MINOR:INODE 0 EOF", this folder's inode.
        let inode = try #require(try FileManager.default.attributesOfItem(atPath: scene.state + "/locks")[.systemFileNumber] as? Int)
        var held = false
        for _ in 0..<Self.polls where !held {
            let locks = (try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? ""
            held = locks.split(separator: "\n").contains { $0.contains("FLOCK") && $0.contains(" \(holder.processIdentifier) ") && $0.contains(":\(inode) ") }
            if !held { try await Task.sleep(for: .milliseconds(50)) }
        }
        try #require(held, "the holder took the kernel lock")
        #expect(try await scene.lock(wait: .seconds(1)).renew(on: scene.host, transport: scene.transport) == .renewed)
        #expect(try await scene.lock(wait: .seconds(1)).release(on: scene.host, transport: scene.transport) == .released)
    }

    @Test func writersRacingForALapsedLockLetExactlyOneIn() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        #expect(try await scene.lock(run: "run-old").acquire(on: scene.host, transport: scene.transport) == .acquired)
        // Its lease ended long ago by the host's clock.
        try "run=run-old\nowner=tester on controller\nexpires=1\n"
            .write(toFile: scene.state + "/locks/pegasus_c1/owner", atomically: true, encoding: .utf8)

        let answers = try await withThrowingTaskGroup(of: HostLock.Answer.self) { group in
            for racer in 0..<8 {
                group.addTask { try await scene.lock(run: "run-\(racer)").acquire(on: scene.host, transport: scene.transport) }
            }
            return try await group.reduce(into: [HostLock.Answer]()) { $0.append($1) }
        }
        #expect(answers.filter { $0 == .takenOver(from: "run-old") }.count == 1, "\(answers)")
        #expect(answers.filter { if case .held = $0 { true } else { false } }.count == 7, "\(answers)")
    }
}
