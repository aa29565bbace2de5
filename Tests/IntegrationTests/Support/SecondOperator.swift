import Foundation
import Testing
import WardenCore
import WardenTesting

// A second operator on the same machine, as approvals need one: the
// operating-system user `nobody` (tests run as root), acting on a state
// folder both can write, with a copy of warden it can execute.

/// A state folder the initiator and `nobody` share.
func sharedState(_ fleet: LoopbackFleet) throws -> String {
    let state = fleet.directory.appendingPathComponent("shared-state").path
    try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
    try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: state)
    // `nobody` must reach the folder through the fleet's directory.
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fleet.directory.path)
    return state
}

/// A copy of the warden binary `nobody` can execute: the build folder may be
/// in a directory only its owner can enter (a clean clone in mktemp -d).
/// Copied by cp, not in this process: a file this process held open for
/// writing could leak into a child started meanwhile by a parallel test, and
/// exec would then fail with "Text file busy".
func binaryForNobody(_ fleet: LoopbackFleet) async throws -> String {
    let copy = fleet.directory.appendingPathComponent("warden-for-nobody").path
    if !FileManager.default.fileExists(atPath: copy) {
        let copied = try await runProcess("/bin/cp", [try wardenBinary(), copy])
        guard copied.status == 0 else { throw TestFailure("cp: \(copied.stderr)") }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
    }
    return copy
}

/// Starts `warden run ARGUMENTS` in the background, waits for it at its
/// approval gate, and approves it as `nobody`; returns the run, its id and
/// what the approver was shown.
func startApproved(_ fleet: LoopbackFleet, _ arguments: [String], state: String) async throws -> (BackgroundWarden, String, String) {
    let background = try BackgroundWarden.start(["run"] + arguments + ["--state", state, "--yes", "--output", "json"])
    let run = try await awaitRun(in: state, "waiting at the gate") { _, events in events.contains { $0.kind == .waitingApproval } }
    let approved = try await runProcess("/usr/sbin/runuser", ["-u", "nobody", "--", try await binaryForNobody(fleet), "approve", run.id, "--state", state])
    #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
    return (background, run.id, approved.stdout)
}

extension BackgroundWarden {
    /// Waits for a `--output json` run to end: its exit status and report.
    func finishReport() async throws -> (Int32, RunReport) {
        let (status, output) = try await finish()
        return (status, try JSONDecoder().decode(RunReport.self, from: Data(output.utf8)))
    }
}
