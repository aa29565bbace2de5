import Foundation
import Testing
import WardenTesting

/// `no_log: true`: redaction matches a secret's literal value, so a host
/// printing it encoded (`base64`, `rev`) slips past it; a step whose output
/// is secret by its shape keeps none of it: judged, then only its exit status
/// and digests are shown or journaled.
@Suite("no_log steps")
struct NoLogTests {
    @Test func aNoLogStepsOutputIsJudgedButNeitherShownNorJournaled() async throws {
        try await withFleet(hosts: 1) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let secret = "pw-\(UUID().uuidString)"
            let encoded = Data(secret.utf8).base64EncodedString()
            let reversed = String(secret.reversed())
            // The host reads the secret from a file: the command (which is shown) holds none of its shapes.
            let secretFile = fleet.directory.appendingPathComponent("secret.txt").path
            try secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
            let file = try write("""
                name: shapes
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: hide
                    on: fleet
                    no_log: true
                    parse: lines
                    expect: len(result) == 2
                    check: "base64 < \(secretFile); rev < \(secretFile); echo; rev < \(secretFile) >&2"
                  - id: after
                    on: fleet
                    when: steps.hide.exit == 0
                    check: "echo after-ran"
                """, in: fleet, name: "shapes.yaml")
            let ran = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)")
            #expect(ran.stdout.contains("after-ran"), "\(ran.stdout)")
            for shape in [encoded, reversed] {
                #expect(!ran.stdout.contains(shape) && !ran.stderr.contains(shape), "\(ran.stdout)\(ran.stderr)")
                for name in try FileManager.default.contentsOfDirectory(atPath: state) {
                    let bytes = try Data(contentsOf: URL(fileURLWithPath: state).appendingPathComponent(name))
                    #expect(bytes.range(of: Data(shape.utf8)) == nil, "\(name) holds the output")
                }
            }
            let runLine = try #require(ran.stderr.split(separator: "\n").first { $0.hasPrefix("run ") && $0.contains(" journaled in ") })
            let runID = String(runLine.split(separator: " ")[1])
            let shown = try await warden(["show", runID, "--state", state, "--step", "hide"])
            let stdout = "\(encoded)\n\(reversed)\n"
            let (_, sum) = try await fleet.controller("printf '%s' '\(stdout)' | sha256sum")
            let digest = String(sum.prefix(64))
            #expect(shown.stdout.contains("==> output not kept (no_log: true); stdout sha256:\(digest), stderr sha256:"), "\(shown.stdout)")
            #expect(!shown.stdout.contains(encoded))
        }
    }

    @Test func aFailingNoLogStepSaysHowNotWhat() async throws {
        try await withFleet(hosts: 1) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let file = try write("""
                name: failing
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: hide
                    on: fleet
                    no_log: true
                    check: "echo leaked-$((40 + 2)); echo leaked-$((50 + 1)) >&2; exit 3"
                """, in: fleet, name: "failing.yaml")
            let ran = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes"])
            #expect(ran.status == 1)
            #expect(ran.stdout.contains("h01: failed (exited 3)"), "\(ran.stdout)")
            for text in ["leaked-42", "leaked-51"] {
                #expect(!ran.stdout.contains(text) && !ran.stderr.contains(text), "\(ran.stdout)\(ran.stderr)")
            }

            // Reading its output from a later step is an error (validate's), not an empty text.
            let reads = try write("""
                name: reads
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - {id: hide, on: fleet, no_log: true, check: "echo qui$((1))et"}
                  - {id: use, on: fleet, check: "echo {{ steps.hide.stdout }}"}
                """, in: fleet, name: "reads.yaml")
            let plan = try await warden(["plan", reads, "-i", fleet.inventoryPath, "--state", state])
            #expect(plan.status != 0)
            #expect(plan.status == 2)
            #expect(plan.stderr.contains("steps.hide has no field 'stdout' (step 'hide' is no_log: its output is not kept); fields: exit, hosts, ok, status"),
                    "\(plan.stdout)\(plan.stderr)")
            #expect(!plan.stdout.contains("qui1et") && !plan.stderr.contains("qui1et"), "\(plan.stdout)\(plan.stderr)")
        }
    }
}
