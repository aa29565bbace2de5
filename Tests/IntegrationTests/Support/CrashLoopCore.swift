import Foundation
import WardenTesting

/// A program that really crashes and leaves a real core, for a crash loop under supervisord
/// (`Supervisor.Crashy.dumpsCore`): `wcrash`, compiled with `gcc -g` at test time, sleeps a
/// second (the pace of the exit-1 `crashy`) and then writes through a null pointer in
/// `crash_here()` (SIGSEGV). Where its core lands is the kernel's core_pattern; whether one is
/// written at all is the process's core limit, which its supervisord program raises itself
/// (`ulimit -c` is 0 by default here).
enum CrashLoopCore {
    static let corePattern = ((try? String(contentsOfFile: "/proc/sys/kernel/core_pattern", encoding: .utf8)) ?? "")
        .trimmingCharacters(in: .whitespacesAndNewlines)
    /// `core_uses_pid`: a pattern without %p gets `.PID` appended.
    static let coreUsesPID = ((try? String(contentsOfFile: "/proc/sys/kernel/core_uses_pid", encoding: .utf8)) ?? "")
        .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    /// A core lands as a file a test can find, as CoredumpRunbookTests decides: a plain pattern,
    /// relative (the crashing process's working folder) or absolute without %-folders. A pipe
    /// (`|systemd-coredump`, apport) cannot be changed from inside a container.
    static let coresAreFiles = !corePattern.isEmpty && !corePattern.hasPrefix("|")
        && !(corePattern.hasPrefix("/") && (corePattern as NSString).deletingLastPathComponent.contains("%"))
    static let tools = ["/usr/bin/gcc", "/usr/bin/gdb"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    static let available = coresAreFiles && tools
    /// Why a test that needs real cores is skipped here.
    static let requirement = "needs gcc, gdb and a core_pattern that writes files (not a pipe); core_pattern here: '\(corePattern)', "
        + "gcc and gdb \(tools ? "found" : "missing")"

    static let source = """
        #include <stdio.h>
        #include <unistd.h>
        __attribute__((noinline)) void crash_here(void) {
            volatile int *p = NULL;
            *p = 42;
        }
        int main(void) {
            printf("wcrash %d: crashing in a second\\n", (int)getpid());
            fflush(stdout);
            sleep(1);
            crash_here();
            return 0;
        }
        """

    /// Compiles `wcrash` into `folder` (made if missing): its path.
    static func compile(into folder: String) async throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/wcrash.c"
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        let binary = folder + "/wcrash"
        let built = try await runProcess("/usr/bin/gcc", ["-g", "-O0", "-o", binary, file])
        guard built.status == 0 else { throw TestFailure("gcc \(file) exited \(built.status): \(built.stderr)") }
        return binary
    }

    /// Where the kernel puts the core of a process working in `folder`: that folder for a
    /// relative pattern, else the pattern's own folder.
    static func coreFolder(forProcessIn folder: String) -> String {
        corePattern.hasPrefix("/") ? (corePattern as NSString).deletingLastPathComponent : folder
    }

    /// The file name the kernel gives `wcrash`'s core when its pid is `pid`, as a shell pattern:
    /// %p and %e filled in, %% a percent sign, any other %x (time, uid, host...) a `*`.
    static func coreName(pid: String) -> String {
        let pattern = (corePattern as NSString).lastPathComponent
        var name = ""
        var escaped = false
        for character in pattern {
            if escaped {
                switch character {
                case "p": name += pid
                case "e": name += "wcrash"
                case "%": name += "%"
                default: name += "*"
                }
                escaped = false
            } else if character == "%" {
                escaped = true
            } else {
                name.append(character)
            }
        }
        if coreUsesPID && !pattern.contains("%p") { name += ".\(pid)" }
        return name
    }

    /// The cores `wcrash` with pid `pid`, working in `folder`, left (full paths).
    static func cores(ofPID pid: String, workingIn folder: String) -> [String] {
        let coresIn = coreFolder(forProcessIn: folder)
        let name = coreName(pid: pid)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: coresIn)) ?? []
        return names.filter { fnmatch(name, $0, 0) == 0 }.sorted().map { coresIn + "/" + $0 }
    }

    static func sha256(_ path: String) async throws -> String {
        let output = try await runProcess("/usr/bin/sha256sum", [path])
        guard output.status == 0, let sum = output.stdout.split(separator: " ").first else {
            throw TestFailure("sha256sum \(path) exited \(output.status): \(output.stderr)")
        }
        return String(sum)
    }
}
