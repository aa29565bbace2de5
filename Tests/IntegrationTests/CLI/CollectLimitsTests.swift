import Foundation
import Testing
import WardenCore
import WardenTesting

/// `collect` cannot be turned against the controller: a device, a link to
/// a file nobody listed, a file over `max_bytes` or one too big for the
/// step's timeout is refused or stopped quickly, and nothing of it is left
/// in the run's artifact folder (which only the initiator can write).
@Suite("collect limits")
struct CollectLimitsTests {
    static let runbook = """
        name: collect-limits
        params:
          dir: {type: string, required: true}
          cap: {type: int, default: 1000000}
        targets:
          one: {hosts: h01, exactly: 1}
        steps:
          - id: devices
            on: one
            timeout: 60s
            on_error: continue
            collect: ["/dev/zero", "{{ params.dir }}/core.zero"]
          - id: unlisted
            on: one
            on_error: continue
            collect: "{{ params.dir }}/core.4242"
          - id: capped
            on: one
            on_error: continue
            max_bytes: "{{ params.cap }}"
            collect: "{{ params.dir }}/core.big"
          - id: slow
            on: one
            timeout: 1s
            on_error: continue
            collect: "{{ params.dir }}/core.huge"
          - id: followed
            on: one
            follow_symlinks: true
            max_bytes: 100
            collect: "{{ params.dir }}/core.listed"
        """

    @Test func devicesUnlistedLinksOversizedAndSlowFilesAreRefusedOrStoppedAndLeaveNothing() async throws {
        try await withFleet(hosts: 1) { fleet in
            let dir = fleet.directory.path
            try FileManager.default.createSymbolicLink(atPath: dir + "/core.zero", withDestinationPath: "/dev/zero")
            try "not meant to be collected\n".write(toFile: dir + "/secret.txt", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: dir + "/core.4242", withDestinationPath: dir + "/secret.txt")
            try await fleet.shell("head -c 2000000 /dev/urandom > '\(dir)/core.big' && truncate -s 4G '\(dir)/core.huge'")
            try "listed\n".write(toFile: dir + "/listed.txt", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: dir + "/core.listed", withDestinationPath: dir + "/listed.txt")
            let file = try write(Self.runbook, in: fleet, name: "collect-limits.yaml")
            let artifacts = dir + "/artifacts"

            // A bounded wait: before the fix, /dev/zero streamed until the disk filled (the process is killed at 60 s).
            let run = try await runProcess(try wardenBinary(), [
                "run", file, "-i", fleet.inventoryPath, "--state", dir + "/state", "--yes", "--artifacts", artifacts,
                "-p", "dir=\(dir)", "--output", "json",
            ], timeout: 60)
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))
            func reason(_ step: String) -> String {
                report.steps.first { $0.id == step }?.hosts.first?.reason ?? ""
            }
            #expect(reason("devices").contains("/dev/zero: is a character device, not a regular file; not fetched"), "\(reason("devices"))")
            #expect(reason("devices").contains("\(dir)/core.zero: is a symbolic link to /dev/zero; links are not followed"), "\(reason("devices"))")
            #expect(reason("unlisted").contains("\(dir)/core.4242: is a symbolic link to \(dir)/secret.txt; links are not followed"),
                    "\(reason("unlisted"))")
            #expect(reason("capped").contains("\(dir)/core.big: is 2000000 bytes, over the cap of 1000000 bytes; not fetched"),
                    "\(reason("capped"))")
            #expect(reason("slow").contains("\(dir)/core.huge: the step's timeout (1s) ran out: "), "\(reason("slow"))")
            #expect(reason("slow").contains("transfer timed out"), "\(reason("slow"))")
            #expect(report.steps.first { $0.id == "followed" }?.status == .ok, "\(reason("followed"))")

            // Only what was allowed arrived; nothing partial was left, and only the initiator can write there.
            #expect(try FileManager.default.contentsOfDirectory(atPath: artifacts + "/h01") == ["core.listed"])
            #expect(try String(contentsOfFile: artifacts + "/h01/core.listed", encoding: .utf8) == "listed\n")
            for folder in [artifacts, artifacts + "/h01"] {
                let mode = try #require(FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int)
                #expect(mode == 0o700, "\(folder): \(String(mode, radix: 8))")
            }
        }
    }

    @Test func aHostFolderPlantedAsALinkInTheArtifactFolderIsRefused() async throws {
        try await withFleet(hosts: 1) { fleet in
            let dir = fleet.directory.path
            try "listed\n".write(toFile: dir + "/listed.txt", atomically: true, encoding: .utf8)
            let elsewhere = dir + "/elsewhere"
            let artifacts = dir + "/artifacts"
            try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: artifacts + "/h01", withDestinationPath: elsewhere)
            let file = try write("""
                name: planted
                targets:
                  one: {hosts: h01, exactly: 1}
                steps:
                  - id: fetch
                    on: one
                    collect: \(dir)/listed.txt
                """, in: fleet, name: "planted.yaml")
            let run = try await runProcess(try wardenBinary(), [
                "run", file, "-i", fleet.inventoryPath, "--state", dir + "/state", "--yes", "--artifacts", artifacts, "--output", "json",
            ], timeout: 60)
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))
            let reason = report.steps.first?.hosts.first?.reason ?? ""
            #expect(reason.contains("nothing fetched: \(artifacts)/h01 is a symbolic link to \(elsewhere)"), "\(reason)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        }
    }
}
