// warden-bench-warm: the cost of one command on a warm session.
//
//   warden-bench-warm INVENTORY HOST [COMMANDS]
//
// Connects once, then runs `true` COMMANDS times (default 200) one after the other on
// the same session through the same transport `warden exec` uses, and prints the
// median and 90th-percentile latency and this process's CPU per command; then the same
// through WardenSSH with the process-group wrapper off, to show what the wrapper costs, and
// through `become` (sudo -n to WARDEN_BENCH_BECOME_USER, default nobody: root needs no sudoers
// rule for it), to show what sudo adds; a login sudo refuses is noted and skipped.
// scripts/bench runs it; its numbers are for the benchmark report, not for tests.
import Foundation
import WardenCore
import WardenSSH
import WardenSSHTransport

let arguments = CommandLine.arguments
guard arguments.count >= 3, let inventory = try? Inventory.load(path: arguments[1]),
      let host = inventory.host(named: arguments[2]) else {
    FileHandle.standardError.write(Data("usage: warden-bench-warm INVENTORY HOST [COMMANDS]\n".utf8))
    exit(2)
}
let count = arguments.count > 3 ? max(1, Int(arguments[3]) ?? 200) : 200

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Runs `body` `count` times after one unmeasured warm-up and prints the figures.
func measure(_ label: String, _ body: () async throws -> Bool) async throws {
    guard try await body() else { throw BenchFailure(what: "warm-up of \(label) failed") }
    var latencies: [Double] = []
    let clock = ContinuousClock()
    let cpuBefore = cpuSeconds()
    for _ in 0..<count {
        let start = clock.now
        guard try await body() else { throw BenchFailure(what: "\(label): true failed") }
        let elapsed = clock.now - start
        latencies.append(elapsed.milliseconds)
    }
    let cpuPerCommand = (cpuSeconds() - cpuBefore) / Double(count) * 1000
    latencies.sort()
    print(String(format: "%@, %d commands on %@: median %.2f ms, p90 %.2f ms, client CPU %.3f ms/command",
                 label, count, host.name, latencies[latencies.count / 2],
                 latencies[min(latencies.count - 1, latencies.count * 9 / 10)], cpuPerCommand))
}

struct BenchFailure: Error { let what: String }

let transport = SSHTransport(concurrency: 1)
let client = SSHClient(settings: SSHClientSettings(concurrency: 1))
let target = transport.target(for: host)
do {
    try await measure("warm session (warden exec's path)") {
        try await transport.run(RemoteCommand("true"), on: host).succeeded
    }
    try await measure("warm session, no process-group wrapper") {
        try await client.exec(ExecRequest(command: "true", killProcessGroupOnStop: false), on: target).succeeded
    }
    let becomeUser = ProcessInfo.processInfo.environment["WARDEN_BENCH_BECOME_USER"] ?? "nobody"
    let become = RemoteBecome(user: becomeUser)
    do {
        _ = try await transport.run(RemoteCommand("true", become: become), on: host)
        try await measure("warm session, become \(becomeUser) via sudo -n") {
            try await transport.run(RemoteCommand("true", become: become), on: host).succeeded
        }
    } catch {
        print("become via sudo -n skipped: \(error)")
    }
    await transport.close()
    await client.close()
} catch {
    FileHandle.standardError.write(Data("warden-bench-warm: \(error)\n".utf8))
    await transport.close()
    await client.close()
    exit(1)
}
