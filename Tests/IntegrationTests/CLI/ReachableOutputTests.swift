import Foundation
import Testing
import WardenTesting

/// Every command's output can be read from the terminal: `warden exec`
/// shows a failed host's last lines (and all of everyone's with `--full`),
/// writes `DIR/<host>.out` and `.err` with `-o DIR`, and `warden show RUN
/// --step ID` prints what a journaled step printed.
@Suite("Output one can read")
struct ReachableOutputTests {
    @Test func execFullShowsEveryLineOfEveryHost() async throws {
        try await withFleet(hosts: 2) { fleet in
            let command = "echo first; echo second; echo warned >&2"
            let plain = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--", command])
            #expect(plain.status == 0, "\(plain.stderr)")
            #expect(!plain.stdout.contains("second"))
            #expect(plain.stdout.contains("--full shows every host's output"), "\(plain.stdout)")

            let full = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--full", "--", command])
            #expect(full.status == 0, "\(full.stderr)")
            for host in fleet.hosts {
                #expect(full.stdout.contains("==> \(host.name): stdout <==\nfirst\nsecond\n"), "\(full.stdout)")
                #expect(full.stdout.contains("==> \(host.name): stderr <==\nwarned\n"), "\(full.stdout)")
            }
        }
    }

    /// The timeout message says to look at the partial output: text mode shows it.
    @Test func aTimedOutHostShowsItsPartialOutput() async throws {
        try await withFleet(hosts: 1) { fleet in
            let marker = uniqueSleepSeconds()
            let run = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "--timeout", "2s", "--",
                                        "for i in $(seq 1 30); do echo step-$i; done; echo stuck-here; sleep \(marker)"])
            #expect(run.status == 1)
            #expect(run.stdout.contains("==> h01: stdout, last 20 of 31 lines <=="), "\(run.stdout)")
            #expect(run.stdout.contains("step-30\nstuck-here\n"), "\(run.stdout)")
            #expect(!run.stdout.contains("step-11\n"), "\(run.stdout)")
        }
    }

    @Test func outdirWritesEachHostsStreamsWithoutFollowingLinks() async throws {
        try await withFleet(hosts: 2) { fleet in
            let folder = fleet.directory.appendingPathComponent("out").path
            let run = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "-o", folder, "--",
                                        "echo out-line; echo err-line >&2"])
            #expect(run.status == 0, "\(run.stderr)")
            for host in fleet.hosts {
                #expect(try String(contentsOfFile: "\(folder)/\(host.name).out", encoding: .utf8) == "out-line\n")
                #expect(try String(contentsOfFile: "\(folder)/\(host.name).err", encoding: .utf8) == "err-line\n")
            }
            let attributes = try FileManager.default.attributesOfItem(atPath: folder)
            #expect((attributes[.posixPermissions] as? Int) == 0o700)

            // A link planted as a host's file is refused, and its target left alone.
            let victim = fleet.directory.appendingPathComponent("victim").path
            try "keep me\n".write(toFile: victim, atomically: true, encoding: .utf8)
            try FileManager.default.removeItem(atPath: "\(folder)/h01.out")
            try FileManager.default.createSymbolicLink(atPath: "\(folder)/h01.out", withDestinationPath: victim)
            let planted = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "-o", folder, "--", "echo overwritten"])
            #expect(planted.status == 1)
            #expect(planted.stderr.contains("\(folder)/h01.out is a symbolic link to \(victim)"), "\(planted.stderr)")
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me\n")

            // A folder that is a link is refused before anything runs.
            let linked = fleet.directory.appendingPathComponent("linked").path
            try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: folder)
            let refused = try await warden(["exec", "-i", fleet.inventoryPath, "fleet", "-o", linked, "--", "echo never"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("is a symbolic link"), "\(refused.stderr)")
        }
    }

    @Test func showStepPrintsWhatTheStepPrintedCutWithAWayToTheRest() async throws {
        try await withFleet(hosts: 2) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let file = try write("""
                name: printing
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                steps:
                  - id: talk
                    on: fleet
                    check: "seq 1 150; echo complaint >&2"
                """, in: fleet, name: "printing.yaml")
            let ran = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"])
            #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)")
            let runID = try #require((try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [String: Any])?["runID"] as? String)

            let overview = try await warden(["show", runID, "--state", state])
            #expect(overview.stdout.contains("warden show \(runID) --step ID [--host HOST] (steps with output: talk)"), "\(overview.stdout)")

            let shown = try await warden(["show", runID, "--state", state, "--step", "talk", "--host", "h02"])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout.contains("talk on h02: ok, exit 0"), "\(shown.stdout)")
            #expect(!shown.stdout.contains("talk on h01"))
            #expect(shown.stdout.contains("==> stdout <==\n1\n2\n"))
            #expect(shown.stdout.contains("\n100\n… 50 more lines in the journal\n"), "\(shown.stdout)")
            #expect(shown.stdout.contains("==> stderr <==\ncomplaint\n"))
            #expect(shown.stdout.contains("warden show \(runID) --step talk --host h02 --full shows all of it"), "\(shown.stdout)")

            let full = try await warden(["show", runID, "--state", state, "--step", "talk", "--host", "h02", "--full"])
            #expect(full.stdout.contains("\n149\n150\n==> stderr <=="), "\(full.stdout)")

            let unknown = try await warden(["show", runID, "--state", state, "--step", "tlak"])
            #expect(unknown.status == 2)
            #expect(unknown.stderr.contains("no output of step 'tlak' in run \(runID); steps with output: talk"), "\(unknown.stderr)")
        }
    }
}
