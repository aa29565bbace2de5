import Foundation
import Testing
import WardenTesting

/// `runbooks/pegasus/collect-coredumps.yaml` end to end: a tiny C program
/// that really segfaults in `crash_here()` and leaves a real core (ulimit -c
/// unlimited), a real gdb backtrace, a real SFTP download into `--artifacts`.
/// The loopback host is this machine, so the core's folder is a folder of the
/// fleet's own.
@Suite("Coredump runbook")
struct CoredumpRunbookTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let runbook = repository.appendingPathComponent("runbooks/pegasus/collect-coredumps.yaml").path
    static let corePattern = ((try? String(contentsOfFile: "/proc/sys/kernel/core_pattern", encoding: .utf8)) ?? "")
        .trimmingCharacters(in: .whitespacesAndNewlines)
    /// A core lands as a file we can find: a plain pattern, relative (the
    /// crashing process's folder) or an absolute one without %-folders.
    /// A pipe (`|systemd-coredump`, apport) cannot be changed in a container.
    static let coresAreFiles = !corePattern.isEmpty && !corePattern.hasPrefix("|")
        && !(corePattern.hasPrefix("/") && (corePattern as NSString).deletingLastPathComponent.contains("%"))
    static let tools = ["/usr/bin/gcc", "/usr/bin/gdb"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

    private func inventory(_ fleet: LoopbackFleet) throws -> String {
        try fleet.writeInventory(named: "coredump-inventory.yaml", groups: ["pegasus-replica"])
    }

    private func sha256(_ path: String) async throws -> String {
        let output = try await runProcess("/usr/bin/sha256sum", [path])
        guard output.status == 0, let sum = output.stdout.split(separator: " ").first else { throw TestFailure("sha256sum \(path): \(output.stderr)") }
        return String(sum)
    }

    private func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Compiles the crashing program in `folder`, runs it there with cores
    /// allowed, and returns its path, its pid and the core it left.
    private func crash(in folder: String) async throws -> (binary: String, pid: String, core: String) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let source = folder + "/wcrash.c"
        try """
            #include <stdio.h>
            __attribute__((noinline)) void crash_here(void) {
                volatile int *p = NULL;
                *p = 42;
            }
            int main(void) {
                puts("about to crash");
                fflush(stdout);
                crash_here();
                return 0;
            }
            """.write(toFile: source, atomically: true, encoding: .utf8)
        let binary = folder + "/wcrash"
        let built = try await runProcess("/usr/bin/gcc", ["-g", "-O0", "-o", binary, source])
        guard built.status == 0 else { throw TestFailure("gcc: \(built.stderr)") }
        // In the foreground (a `wait` builtin can hang on the signal mask the test process passes on);
        // the inner shell prints its pid and becomes the program.
        let ran = try await runProcess("/bin/sh", ["-c", "cd \"$1\" && ulimit -c unlimited && sh -c 'echo \"pid=$$\"; exec ./wcrash'; echo \"status=$?\"",
                                                   "sh", folder])
        #expect(ran.stdout.contains("status=139"), "it segfaults: \(ran.stdout)\(ran.stderr)")
        let pid = ran.stdout.split(separator: "\n").first { $0.hasPrefix("pid=") }.map { String($0.dropFirst(4)) } ?? ""
        // Where the kernel put it: the crash folder for a relative pattern, else the pattern's folder.
        let coreFolder = Self.corePattern.hasPrefix("/") ? (Self.corePattern as NSString).deletingLastPathComponent : folder
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: coreFolder)) ?? []
        let cores = candidates.filter { $0.hasPrefix("core") && ($0 == "core" || $0.contains(pid) || $0.contains("wcrash")) }
        guard let core = cores.sorted().last else {
            throw TestFailure("no core in \(coreFolder) for pid \(pid) (core_pattern '\(Self.corePattern)'): \(candidates)")
        }
        return (binary, pid, coreFolder + "/" + core)
    }

    @Test func collectCoredumpsValidatesStrictly() async throws {
        let output = try await warden(["validate", "--strict", Self.runbook])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        // One file: no totals line, just its verdict (warnings would fail --strict and be listed).
        #expect(output.stdout.contains("collect-coredumps.yaml: ok: 'pegasus-collect-coredumps'"), "\(output.stdout)")
        #expect(!output.stdout.contains("warning"), "\(output.stdout)")
    }

    @Test(.enabled(if: coresAreFiles && tools, "needs gcc, gdb and a core_pattern that writes files (not a pipe)"))
    func fetchesARealCoreWithItsSumAndABacktraceNamingTheCrashingFunction() async throws {
        try await withFleet(hosts: 1) { fleet in
            let folder = fleet.directory.appendingPathComponent("crash").path
            let (binary, pid, core) = try await crash(in: folder)
            let original = try await sha256(core)
            let inventory = try inventory(fleet)
            let state = fleet.directory.appendingPathComponent("state").path
            let artifacts = fleet.directory.appendingPathComponent("artifacts").path
            let coreFolder = (core as NSString).deletingLastPathComponent
            let common = ["-i", inventory, "--state", state, "--yes", "-p", "hosts=h01", "-p", "binary=\(binary)",
                          "-p", "core_dirs=\(coreFolder)", "-p", "stage_dir=\(fleet.directory.path)"]

            let run = try await warden(["run", Self.runbook, "--artifacts", artifacts] + common)
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let fetched = artifacts + "/h01/" + (core as NSString).lastPathComponent
            #expect(FileManager.default.fileExists(atPath: fetched), "\(run.stdout)")
            #expect(try await sha256(fetched) == original)
            // The sums the host computed, fetched with the files, name the same hash.
            #expect(read(artifacts + "/h01/SHA256SUMS").contains("\(original)  \(core)\n"), "\(read(artifacts + "/h01/SHA256SUMS"))")
            let backtrace = read(artifacts + "/h01/" + (core as NSString).lastPathComponent + ".bt")
            #expect(backtrace.contains("in crash_here ()"), "\(backtrace)")
            #expect(backtrace.contains("in main ()"), "\(backtrace)")
            let summary = read(artifacts + "/h01/summary.txt")
            #expect(summary.contains("\(core) ("), "\(summary)")
            #expect(summary.contains("fetched; #0 "), "\(summary)")
            #expect(run.stdout.contains("crash_here"), "the report shows the crashing frame: \(run.stdout)")
            // The kernel's own line for this crash, when the kernel log can be read here.
            if summary.contains("kernel log: dmesg\n") {
                #expect(read(artifacts + "/h01/kernel.txt").contains("wcrash[\(pid)]: segfault at 0 "), "\(read(artifacts + "/h01/kernel.txt"))")
            }
            // The staging folder is gone; the core stays where it was.
            let left = try FileManager.default.contentsOfDirectory(atPath: fleet.directory.path).filter { $0.hasPrefix("warden-coredumps.") }
            #expect(left.isEmpty, "\(left)")
            #expect(FileManager.default.fileExists(atPath: core))

            // Over the size limit: listed, backtraced, not fetched.
            let small = fleet.directory.appendingPathComponent("artifacts-small").path
            let limited = try await warden(["run", Self.runbook, "--artifacts", small, "-p", "max_fetch_bytes=1000"] + common)
            #expect(limited.status == 0, "\(limited.stdout)\(limited.stderr)")
            #expect(!FileManager.default.fileExists(atPath: small + "/h01/" + (core as NSString).lastPathComponent))
            #expect(read(small + "/h01/summary.txt").contains("NOT fetched: over max_fetch_bytes=1000"), "\(read(small + "/h01/summary.txt"))")
            #expect(read(small + "/h01/" + (core as NSString).lastPathComponent + ".bt").contains("crash_here"))
        }
    }

    /// dmesg refused (as with dmesg_restrict, or in a container): the file, and
    /// when that cannot be read either, "unavailable": the run still succeeds.
    @Test func aKernelLogThatCannotBeReadIsReportedAndTheRunGoesOn() async throws {
        try await withFleet(hosts: 1) { fleet in
            let refused = fleet.directory.appendingPathComponent("dmesg-refused").path
            try """
                #!/bin/sh
                echo "dmesg: read kernel buffer failed: Operation not permitted" >&2
                exit 1
                """.write(toFile: refused, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: refused)
            let empty = fleet.directory.appendingPathComponent("no-cores").path
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            let messages = fleet.directory.appendingPathComponent("messages").path
            let inventory = try inventory(fleet)
            let state = fleet.directory.appendingPathComponent("state").path
            let common = ["-i", inventory, "--state", state, "--yes", "-p", "hosts=h01", "-p", "binary=/bin/true",
                          "-p", "core_dirs=\(empty)", "-p", "stage_dir=\(fleet.directory.path)", "-p", "dmesg=\(refused)",
                          "-p", "kernel_log=\(messages)"]

            let unavailable = fleet.directory.appendingPathComponent("artifacts-1").path
            let first = try await warden(["run", Self.runbook, "--artifacts", unavailable] + common)
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            let summary = read(unavailable + "/h01/summary.txt")
            #expect(summary.contains("kernel log: unavailable (dmesg failed: dmesg: read kernel buffer failed: Operation not permitted; \(messages) cannot be read)"),
                    "\(summary)")
            #expect(summary.contains("): 0\n"), "no cores: \(summary)")
            #expect(first.stdout.contains("kernel log: unavailable"), "\(first.stdout)")

            // The fallback file, with the kernel's lines as the troubleshooting guide shows them.
            try """
                May 12 06:51:23 replica-3 kernel: [1052.1] Out of memory: Killed process 7209 (pegasus_server) total-vm:1074491512kB, anon-rss:27228080kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:53528kB oom_score_adj:0
                May 12 06:51:24 replica-3 kernel: [1052.2] oom_reaper: reaped process 7209 (pegasus_server), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB
                May 12 07:02:01 replica-3 kernel: [1710.9] replica.default[8101]: segfault at 2a ip 0000000000400511 sp 00007fffe00a3260 error 4 in pegasus_server[400000+1000]

                """.write(toFile: messages, atomically: true, encoding: .utf8)
            let fallback = fleet.directory.appendingPathComponent("artifacts-2").path
            let second = try await warden(["run", Self.runbook, "--artifacts", fallback] + common)
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            #expect(read(fallback + "/h01/summary.txt").contains("kernel log: \(messages) (dmesg failed: dmesg: read kernel buffer failed: Operation not permitted)"),
                    "\(read(fallback + "/h01/summary.txt"))")
            #expect(read(fallback + "/h01/summary.txt").contains("kernel lines: 1 'Out of memory: Killed process', 1 'segfault at'"))
            let kernel = read(fallback + "/h01/kernel.txt")
            #expect(kernel.contains("Out of memory: Killed process 7209 (pegasus_server)"), "\(kernel)")
            #expect(kernel.contains("replica.default[8101]: segfault at 2a"), "\(kernel)")
            #expect(!kernel.contains("oom_reaper"), "\(kernel)")
        }
    }
}
