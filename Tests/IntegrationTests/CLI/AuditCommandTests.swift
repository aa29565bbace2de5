import Foundation
import GRDB
import Testing
import WardenCore
import WardenTesting

/// `warden audit` and `warden locks` on a state folder a real run wrote:
/// the audit log records who did what, exports as JSON lines without
/// secrets, and a record changed behind Warden's back is named.
@Suite("Audit log and locks, through the CLI")
struct AuditCommandTests {
    @Test func theAuditLogRecordsTheRunExportsWithoutSecretsAndShowsTampering() async throws {
        try await withFleet(hosts: 2, logCommands: true) { fleet in
            let state = fleet.directory.appendingPathComponent("state").path
            let file = try write("""
                name: audited
                params:
                  token: {type: string, secret: true, required: true}
                targets:
                  fleet: {hosts: fleet, at_least: 1}
                lock: audited
                steps:
                  - id: use
                    on: fleet
                    run: "echo using {{ params.token }} on {{ host.name }}"
                """, in: fleet, name: "audited.yaml")
            let secret = "s3cr3t-\(UUID().uuidString)"
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--output", "json"],
                                       environment: ["WARDEN_PARAM_TOKEN": secret])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))

            let verified = try await warden(["audit", "verify", "--state", state])
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
            #expect(verified.stdout.hasPrefix("audit log intact: "))

            let exported = try await warden(["audit", "export", "--state", state])
            #expect(exported.status == 0, "\(exported.stderr)")
            let lines = exported.stdout.split(separator: "\n")
            let records = try lines.map { try JSONDecoder().decode(AuditRecord.self, from: Data($0.utf8)) }
            #expect(records.map(\.sequence) == Array(1...records.count))
            #expect(records.first?.action == .runStarted && records.first?.runID == report.runID)
            #expect(records.first?.status == report.planHash)
            #expect(records.contains { $0.action == .lockTaken && $0.lock == "audited" })
            #expect(records.contains { $0.action == .lockReleased && $0.lock == "audited" })
            let intents = records.filter { $0.action == .event(.intent) }
            #expect(Set(intents.compactMap(\.host)) == ["h01", "h02"])
            #expect(intents.allSatisfy { $0.summary?.hasPrefix("echo using <secret> on h0") == true })
            let outcomes = records.filter { $0.action == .event(.outcome) }
            #expect(outcomes.count == 2 && outcomes.allSatisfy { $0.exit == 0 && $0.digest != nil })
            #expect(records.last?.action == .runFinished && records.last?.status == "succeeded")
            #expect(!exported.stdout.contains(secret))
            for name in try FileManager.default.contentsOfDirectory(atPath: state) where !name.hasPrefix("artifacts") {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: state).appendingPathComponent(name))
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(name) holds the secret")
            }

            // Only what is new.
            let tail = try await warden(["audit", "export", "--state", state, "--since", "\(records.count)"])
            #expect(tail.stdout.split(separator: "\n").count == 1)

            // Someone rewrites who approved, or what ran, behind Warden's back.
            let target = try #require(intents.first)
            let database = try DatabaseQueue(path: state + "/journal.sqlite")
            try await database.write { db in
                try db.execute(sql: "UPDATE audit SET summary = 'echo harmless' WHERE sequence = ?", arguments: [target.sequence])
            }
            let broken = try await warden(["audit", "verify", "--state", state])
            #expect(broken.status == 1)
            #expect(broken.stdout.contains("audit log BROKEN at audit record \(target.sequence), run \(report.runID): its content was changed"),
                    "\(broken.stdout)")
        }
    }

    @Test func locksAreListedAndBreakingOneIsExplicitAndAudited() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("warden-locks-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let empty = try await warden(["locks", "--state", state])
        #expect(empty.status == 0 && empty.stdout == "No locks held.\n")

        // A run on another machine holding a lock: as a second controller sharing the state folder would see it.
        let journal = try await Journal.open(directory: state)
        try await journal.begin(JournalRun(id: "r-away", runbook: "rebalance", file: "rebalance.yaml", initiator: "alice",
                                           controller: "bastion-2:4242", planHash: "sha256:ab", parameters: "{}"))
        _ = try await journal.acquire(RunLock(name: "pegasus/c1", runID: "r-away", holder: "alice", controller: "bastion-2:4242"))
        let listed = try await warden(["locks", "list", "--state", state])
        #expect(listed.stdout.hasPrefix("pegasus/c1  run r-away  alice on bastion-2:4242  since "), "\(listed.stdout)")
        #expect(listed.stdout.contains("lease until "))

        let noReason = try await warden(["locks", "break", "pegasus/c1", "--state", state])
        #expect(noReason.status == 2)
        let unknown = try await warden(["locks", "break", "pegasus/c2", "--reason", "gone", "--state", state])
        #expect(unknown.status == 2 && unknown.stderr.contains("no lock 'pegasus/c2' is held; held: pegasus/c1"))

        let broken = try await warden(["locks", "break", "pegasus/c1", "--reason", "bastion-2 was decommissioned", "--state", state])
        #expect(broken.status == 0, "\(broken.stderr)")
        #expect(broken.stdout == "broke lock 'pegasus/c1' held by run r-away of alice on bastion-2:4242\n")
        let after = try await warden(["locks", "--state", state, "--output", "json"])
        #expect(after.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || after.stdout.contains("[]"), "\(after.stdout)")
        let records = try await journal.auditRecords()
        let breaking = try #require(records.first { $0.action == .lockBroken })
        #expect(breaking.lock == "pegasus/c1" && breaking.summary?.contains("bastion-2 was decommissioned") == true)
        #expect(breaking.actor == OperatingSystemUser.name)
        let verified = try await warden(["audit", "verify", "--state", state])
        #expect(verified.status == 0)
    }
}
