import Foundation
import Testing
@testable import WardenCore

/// The host state folder (locks and deadmen) on a real shell and file system:
/// anything another account could have created or changed is refused, naming
/// the path and its owner, and nothing in it is trusted.
@Suite("Host state folder")
struct HostStateTests {
    /// `nobody`: the other account (tests that hand it files need root).
    private static let nobody: uid_t = 65534
    private static let isRoot = getuid() == 0

    /// A fresh folder of the test's own, 0700, under the temporary folder.
    private func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("host-state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        return path
    }

    /// A scratch folder, the host state folder `warden` in it, this machine as its host, and a shell transport.
    private func scene() throws -> (root: String, state: String, host: InventoryHost, transport: LocalShellTransport) {
        let root = try scratch()
        let state = root + "/warden"
        return (root, state, InventoryHost.local(stateFolder: state), LocalShellTransport())
    }

    private func lock(_ name: String = "pegasus/c1", run: String = "run-a", at folder: String) -> HostLock {
        HostLock(name: name, runID: run, owner: "tester on controller", lease: .seconds(60), folder: HostStateFolder(configured: folder))
    }

    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func theFolderIsCreatedPrivateWithEverythingOnTheWay() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let state = root + "/a/b/warden"
        let transport = LocalShellTransport()
        let host = InventoryHost.local(stateFolder: state)
        #expect(try await HostStateFolder(for: host).check(on: host, transport: transport) == (state, false))
        #expect(!FileManager.default.fileExists(atPath: root + "/a"), "a check creates nothing")
        #expect(try await lock(at: state).acquire(on: host, transport: transport) == .acquired)
        for path in [root + "/a", root + "/a/b", state, state + "/locks", state + "/locks/pegasus_c1"] {
            #expect(try mode(path) == 0o700, "\(path)")
        }
        #expect(try mode(state + "/locks/pegasus_c1/owner") == 0o600)
        #expect(try await HostStateFolder(for: host).check(on: host, transport: transport) == (state, true))
    }

    @Test func theDefaultFolderIsResolvedOnTheHost() async throws {
        let script = HostStateFolder(configured: nil).prelude + "echo \"$warden_state\""
        let transport = LocalShellTransport()
        let result = try await transport.run(RemoteCommand(script), on: .local(stateFolder: nil))
        let expected = Self.isRoot ? HostStateFolder.rootDefault : NSHomeDirectory() + "/.local/state/warden"
        #expect(result.stdout.text == expected + "\n")
    }

    @Test(.enabled(if: isRoot, "hands a folder to another account"))
    func aStateFolderAnotherAccountCreatedFirstIsRefused() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let state = root + "/warden"
        // The attack of issue 11: another account creates the folder first, open to all.
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o777])
        #expect(chown(state, Self.nobody, Self.nobody) == 0)
        let transport = LocalShellTransport()
        let host = InventoryHost.local(stateFolder: state)
        let error = await hostStateRefusal { _ = try await Deadman.arm("echo revert", after: .seconds(600), runID: "r1", step: "lively", host: host, transport: transport) }
        #expect(error?.kind == .unsafe)
        #expect(error?.description.contains("\(state) is owned by nobody (uid 65534)") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: state + "/deadman"), "nothing was written into it")
        let lockError = await hostStateRefusal { _ = try await lock(at: state).acquire(on: host, transport: transport) }
        #expect(lockError?.kind == .unsafe)
        #expect(lockError?.description.contains("owned by nobody") == true)
    }

    @Test(.enabled(if: isRoot, "hands a folder to another account"))
    func aFolderAboveOwnedByAnotherAccountIsRefused() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/theirs", withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        #expect(chown(root + "/theirs", Self.nobody, Self.nobody) == 0)
        let host = InventoryHost.local(stateFolder: root + "/theirs/warden")
        let error = await hostStateRefusal { _ = try await lock(at: root + "/theirs/warden").acquire(on: host, transport: LocalShellTransport()) }
        #expect(error?.kind == .unsafe)
        #expect(error?.message.contains("\(root)/theirs is owned by nobody (uid 65534), not by") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: root + "/theirs/warden"))
    }

    @Test(.enabled(if: isRoot, "plants a link owned by another account"))
    func aLinkOnTheWayOwnedByAnotherAccountIsNotFollowed() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/target", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: root + "/via", withDestinationPath: root + "/target")
        #expect(lchown(root + "/via", Self.nobody, Self.nobody) == 0)
        let host = InventoryHost.local(stateFolder: root + "/via/warden")
        let error = await hostStateRefusal { _ = try await lock(at: root + "/via/warden").acquire(on: host, transport: LocalShellTransport()) }
        #expect(error?.message.contains("\(root)/via is a symbolic link owned by nobody") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: root + "/target/warden"))
    }

    @Test func aGroupWritableStateFolderIsRefused() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let state = root + "/warden"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o770])
        let host = InventoryHost.local(stateFolder: state)
        let error = await hostStateRefusal { _ = try await lock(at: state).acquire(on: host, transport: LocalShellTransport()) }
        #expect(error?.kind == .unsafe)
        #expect(error?.message.contains("\(state) is writable by group or others (drwxrwx---") == true, "\(String(describing: error))")
    }

    @Test func aSymlinkedLockFolderIsRefused() async throws {
        let (root, state, host, transport) = try scene()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try await lock("other", at: state).acquire(on: host, transport: transport) == .acquired)
        try FileManager.default.createDirectory(atPath: root + "/elsewhere", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: state + "/locks/pegasus_c1", withDestinationPath: root + "/elsewhere")
        let error = await hostStateRefusal { _ = try await lock(at: state).acquire(on: host, transport: transport) }
        #expect(error?.message.contains("\(state)/locks/pegasus_c1 is a symbolic link (to \(root)/elsewhere)") == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/elsewhere").isEmpty)
    }

    @Test(.enabled(if: isRoot, "hands a folder to another account"))
    func aLockFolderAnotherAccountCreatedIsRefused() async throws {
        let (root, state, host, transport) = try scene()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try await lock("other", at: state).acquire(on: host, transport: transport) == .acquired)
        try FileManager.default.createDirectory(atPath: state + "/locks/pegasus_c1", withIntermediateDirectories: false)
        #expect(chown(state + "/locks/pegasus_c1", Self.nobody, Self.nobody) == 0)
        let error = await hostStateRefusal { _ = try await lock(at: state).acquire(on: host, transport: transport) }
        #expect(error?.message.contains("\(state)/locks/pegasus_c1 is owned by nobody (uid 65534)") == true, "\(String(describing: error))")
    }

    @Test(.enabled(if: isRoot, "hands a file to another account"))
    func aForgedOwnerFileIsRefused() async throws {
        let (root, state, host, transport) = try scene()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try await lock(at: state).acquire(on: host, transport: transport) == .acquired)
        let owner = state + "/locks/pegasus_c1/owner"
        try "run=forged\nowner=someone\nexpires=9999999999\n".write(toFile: owner, atomically: false, encoding: .utf8)
        #expect(chown(owner, Self.nobody, Self.nobody) == 0)
        let error = await hostStateRefusal { _ = try await lock(run: "run-b", at: state).acquire(on: host, transport: transport) }
        #expect(error?.message.contains("\(owner) is owned by nobody (uid 65534)") == true, "\(String(describing: error))")
        // The holder itself does not trust it either.
        let renewal = await hostStateRefusal { _ = try await lock(at: state).renew(on: host, transport: transport) }
        #expect(renewal?.kind == .unsafe)
    }

    @Test func twoControllersLoggingInAsOneAccountExcludeEachOther() async throws {
        let (root, state, host, transport) = try scene()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try await lock(run: "run-a", at: state).acquire(on: host, transport: transport) == .acquired)
        guard case .held(let by) = try await lock(run: "run-b", at: state).acquire(on: host, transport: transport) else {
            Issue.record("the second controller took a held lock")
            return
        }
        #expect(by.contains("run=run-a"), "\(by)")
        #expect(try await lock(run: "run-b", at: state).renew(on: host, transport: transport) == .lost)
        #expect(try await lock(run: "run-a", at: state).release(on: host, transport: transport) == .released)
        #expect(try await lock(run: "run-b", at: state).acquire(on: host, transport: transport) == .acquired)
    }

    /// Processes whose command line names `path` (the deadman timers of that folder).
    private func timers(for path: String) -> Int {
        let found = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return found.filter { Int($0) != nil }.filter { pid in
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            return String(decoding: cmdline, as: UTF8.self).contains(path)
        }.count
    }

    @Test func armingAgainEndsTheEarlierTimerAndDisarmingEndsTheLast() async throws {
        let (root, state, host, transport) = try scene()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try await Deadman.arm("echo revert", after: .seconds(600), runID: "r1", step: "lively", host: host, transport: transport)
        #expect(first.path == state + "/deadman/r1.lively")
        #expect(timers(for: first.path) == 1)
        // A resume re-running the step arms it again: one timer, not two.
        let second = try await Deadman.arm("echo revert", after: .seconds(600), runID: "r1", step: "lively", host: host, transport: transport)
        #expect(timers(for: second.path) == 1)
        #expect(try await second.disarm(on: host, transport: transport) == .disarmed)
        #expect(timers(for: second.path) == 0)
        #expect(try mode(second.path) == 0o700)
        #expect(try mode(second.path + "/command") == 0o600)
    }

    /// After a reboot the timer is gone and its pid may be another process's: disarming, or
    /// arming again, must not kill that process (Foundation starts it in a session of its own,
    /// so its pid is a process group's, as the timer's was).
    @Test func aTimerGoneSinceArmingTakesNoStrangerWithIt() async throws {
        let (root, _, host, transport) = try scene()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for disarming in [true, false] {
            let deadman = try await Deadman.arm("echo revert", after: .seconds(600), runID: "r1", step: "lively", host: host, transport: transport)
            let timer = try #require(Int32(try String(contentsOfFile: deadman.path + "/pid", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(-timer, SIGKILL)
            try await waitUntil { timers(for: deadman.path) == 0 }
            let stranger = Process()
            // TERM as a daemon has it: the test process may pass it on ignored.
            stranger.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            stranger.arguments = ["--default-signal=TERM", "sleep", "60"]
            try stranger.run()
            defer { if stranger.isRunning { kill(stranger.processIdentifier, SIGKILL) } }
            try "\(stranger.processIdentifier)\n".write(toFile: deadman.path + "/pid", atomically: false, encoding: .utf8)
            if disarming {
                #expect(try await deadman.disarm(on: host, transport: transport) == .disarmed)
            } else {
                let again = try await Deadman.arm("echo revert", after: .seconds(600), runID: "r1", step: "lively", host: host, transport: transport)
                #expect(timers(for: again.path) == 1)
                #expect(try await again.disarm(on: host, transport: transport) == .disarmed)
                #expect(timers(for: again.path) == 0)
            }
            #expect(Self.isAlive(stranger.processIdentifier), "\(disarming ? "disarming" : "arming again") killed process \(stranger.processIdentifier), not the timer")
        }
    }

    /// Whether `pid` runs: it exists and is not a zombie (`isRunning` lags until Foundation reaps it).
    private static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    @Test func theTimerRunsTheRevertItWasGivenNotWhatItsFolderSaysLater() async throws {
        let (root, _, host, transport) = try scene()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let deadman = try await Deadman.arm("echo genuine > \(root)/reverted", after: .seconds(600), runID: "r1", step: "lively",
                                            host: host, transport: transport)
        // Rewritten after arming: the timer does not read it again.
        try "echo planted > \(root)/planted\n".write(toFile: deadman.path + "/command", atomically: false, encoding: .utf8)
        try wake(timerOf: deadman.path)
        try await waitUntil { FileManager.default.fileExists(atPath: deadman.path + "/fired") }
        #expect(try String(contentsOfFile: root + "/reverted", encoding: .utf8) == "genuine\n")
        #expect(!FileManager.default.fileExists(atPath: root + "/planted"))
        #expect(try await deadman.disarm(on: host, transport: transport) == .fired(exit: "0"))
    }

    @Test func theTimerRunsNothingInAFolderSwappedUnderIt() async throws {
        let (root, _, host, transport) = try scene()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let deadman = try await Deadman.arm("echo genuine > \(root)/reverted", after: .seconds(600), runID: "r1", step: "lively",
                                            host: host, transport: transport)
        let pid = try String(contentsOfFile: deadman.path + "/pid", encoding: .utf8)
        try FileManager.default.moveItem(atPath: deadman.path, toPath: deadman.path + ".moved")
        try FileManager.default.createDirectory(atPath: deadman.path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        _ = FileManager.default.createFile(atPath: deadman.path + "/armed", contents: nil)
        try wake(timer: pid)
        try await waitUntil { timers(for: deadman.path) == 0 }
        #expect(!FileManager.default.fileExists(atPath: root + "/reverted"))
        #expect(FileManager.default.fileExists(atPath: deadman.path + "/armed"), "the swapped folder was not touched")
    }

    @Test func aDeadmanArmedInTheOldTmpFolderIsNeverTouched() async throws {
        let transport = LocalShellTransport()
        let legacy = Deadman(host: "local", step: "lively", path: Deadman.legacyFolder + "/r0.lively", firesAt: 0)
        #expect(legacy.isLegacy)
        #expect(try await legacy.disarm(on: .local(stateFolder: nil), transport: transport) == .legacy)
        #expect(transport.commands.isEmpty, "nothing was sent to the host")
        #expect(legacy.legacyAdvice.contains("not trusted"))
    }

    /// Ends the `sleep` of the deadman timer whose pid is `pid` (as its `pid` file says), so it
    /// wakes now instead of after its time: its script goes on to its checks at once.
    private func wake(timer pid: String) throws {
        let timer = pid.trimmingCharacters(in: .whitespacesAndNewlines)
        let sleeps = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { Int($0) != nil }.filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.range(of: ") ", options: .backwards) else { return false }
            let fields = stat[close.upperBound...].split(separator: " ")
            return stat.contains("(sleep)") && fields.count > 1 && fields[1] == Substring(timer)
        }
        #expect(sleeps.count == 1, "the timer \(timer) sleeps")
        for child in sleeps { kill(pid_t(child) ?? 0, SIGTERM) }
    }

    private func wake(timerOf folder: String) throws {
        try wake(timer: try String(contentsOfFile: folder + "/pid", encoding: .utf8))
    }

    /// Polls (the host-side timer runs on the real clock) for at most 20 s.
    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<400 where !condition() {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(condition(), "not reached within 20 s")
    }
}
