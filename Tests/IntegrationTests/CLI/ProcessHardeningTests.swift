import Foundation
import Testing
import WardenTesting

/// `warden` holds secrets in memory (parameters, passphrases, what hosts
/// print): it must not leave them in a core file. Checked on a warden that
/// stays up (`warden parse lines` waiting on its input) through /proc.
@Suite("warden's own process", .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/limits"), "reads /proc (Linux)"))
struct ProcessHardeningTests {
    /// Started by a shell that allows core files, as an operator's might.
    @Test func wardenTurnsCoreDumpsOffAtStart() async throws {
        let warden = try WaitingWarden.start(binary: try wardenBinary())
        defer { warden.stop() }
        let line = try await warden.poll("its core limit to drop to 0") { pid in
            let limit = Self.coreLimit(of: pid)
            return limit?.hasPrefix("0 0") == true ? limit : nil
        }
        #expect(line == "0 0 bytes")
    }

    /// Not dumpable either (PR_SET_DUMPABLE 0), which also keeps the user's
    /// other processes from reading its memory: the kernel then hands the
    /// process's /proc files to root, whoever it runs as.
    @Test(.enabled(if: getuid() == 0, "needs root to start warden as another user (setpriv)"))
    func wardenIsNotDumpable() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-dumpable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        // A copy `nobody` can execute (the build folder may be its owner's only), made by cp: see binaryForNobody.
        let binary = folder.appendingPathComponent("warden").path
        let copied = try await runProcess("/bin/cp", [try wardenBinary(), binary])
        #expect(copied.status == 0, "\(copied.stderr)")
        let warden = try WaitingWarden.start(binary: binary, asUser: 65534)
        defer { warden.stop() }
        let owner = try await warden.poll("its /proc files to be root's") { pid -> UInt32? in
            guard Self.realUser(of: pid) == 65534,
                  let attributes = try? FileManager.default.attributesOfItem(atPath: "/proc/\(pid)/limits"),
                  let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value, owner == 0 else { return nil }
            return owner
        }
        #expect(owner == 0)
    }

    /// "soft hard units" of the process's core file limit, or nil when it cannot be read.
    private static func coreLimit(of pid: Int32) -> String? {
        guard let limits = try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8),
              let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max core file size") }) else { return nil }
        return line.dropFirst("Max core file size".count).split(separator: " ").joined(separator: " ")
    }

    private static func realUser(of pid: Int32) -> UInt32? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }) else { return nil }
        return line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { UInt32($0) }
    }
}

/// `warden parse lines` started by a shell that first allows core files of
/// any size, waiting on an input this test holds open.
private struct WaitingWarden {
    let process: Process
    let input: Pipe

    static func start(binary: String, asUser user: UInt32? = nil) throws -> WaitingWarden {
        let process = Process()
        // `exec` keeps the shell's pid, so /proc/PID is warden's once it runs.
        let script = #"ulimit -c unlimited 2>/dev/null || ulimit -S -c "$(ulimit -H -c)"; exec "$0" parse lines"#
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", "--", "/bin/sh", "-c", script, binary]
        } else {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script, binary]
        }
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return WaitingWarden(process: process, input: input)
    }

    /// Polls `/proc` for up to ten seconds until `check` gives a value.
    func poll<T>(_ what: String, _ check: (Int32) -> T?) async throws -> T {
        for _ in 0..<500 {
            if let value = check(process.processIdentifier) { return value }
            guard process.isRunning else { throw TestFailure("warden exited (\(process.terminationStatus)) before \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("warden did not get \(what) within ten seconds; core limit: \(String(describing: try? String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)))")
    }

    /// Ends its input: it parses nothing and exits. Waits a bounded time, polling,
    /// because `waitUntilExit()` spins a run loop on whatever thread calls it, here a
    /// cooperative one; a warden still there after ten seconds is killed.
    func stop() {
        try? input.fileHandleForWriting.close()
        for _ in 0..<1000 where process.isRunning { usleep(10_000) }
        if process.isRunning { process.terminate() }
    }
}
