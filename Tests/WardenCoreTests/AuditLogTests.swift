import Foundation
import GRDB
import Testing
@testable import WardenCore

/// The audit log on a real SQLite file: every action leaves a chained
/// record, and a record changed, removed or forged behind Warden's back is
/// named by `verifyAudit`.
@Suite("Audit log")
struct AuditLogTests {
    private func journal() throws -> (Journal, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-audit-\(UUID().uuidString)").path
        return (try Journal(directory: path), path)
    }

    private func run(_ id: String) -> JournalRun {
        JournalRun(id: id, runbook: "demo", file: "demo.yaml", initiator: "alice", controller: "bastion:42",
                   planHash: "sha256:ab", parameters: "service=x\ntoken=<secret>", plan: "{\"steps\":[]}")
    }

    /// A run with a lock, an approval, two commands and an end.
    private func fill(_ journal: Journal) async throws {
        try await journal.begin(run("r1"))
        _ = try await journal.acquire(RunLock(name: "c1", runID: "r1", holder: "alice", controller: "bastion:42"))
        try await journal.record(Approval(runID: "r1", step: "gate", approver: "bob", decision: .approve, comment: "ok", planHash: "sha256:ab"))
        try await journal.append(.init(runID: "r1", kind: .intent, step: "restart", host: "h01", command: "systemctl restart x"))
        try await journal.append(.init(runID: "r1", kind: .outcome, step: "restart", host: "h01", status: .ok, exit: 0))
        try await journal.release(lock: "c1", run: "r1")
        try await journal.finish(run: "r1", status: .succeeded, reason: nil)
    }

    @Test func everyActionIsRecordedInOneChain() async throws {
        let (journal, path) = try journal()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await fill(journal)
        let records = try await journal.auditRecords()
        #expect(records.map(\.action.rawValue) == ["run-started", "lock-taken", "approval", "intent", "outcome", "lock-released", "run-finished"])
        #expect(records.map(\.sequence) == Array(1...7))
        #expect(records.allSatisfy { $0.actor == OperatingSystemUser.name })
        #expect(records[0].previousHash == AuditRecord.genesis)
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.hash == $1.previousHash })
        #expect(records[0].status == "sha256:ab")
        #expect(records[0].summary?.contains("token=<secret>") == true)
        #expect(records[2].status == "approve" && records[2].summary == "ok")
        #expect(records[3].host == "h01" && records[3].summary == "systemctl restart x" && records[3].event == 1)
        let events = try await journal.events(of: "r1")
        #expect(records[4].digest == events[1].hash)
        let intact = try await journal.verifyAudit()
        #expect(intact == nil)
    }

    @Test func aChangedRecordIsNamed() async throws {
        let (journal, path) = try journal()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await fill(journal)
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in try db.execute(sql: "UPDATE audit SET actor = 'mallory' WHERE sequence = 3") }
        let broken = try await journal.verifyAudit()
        #expect(broken?.record == 3)
        #expect(broken?.reason.contains("changed") == true)
    }

    @Test func aRecordRewrittenWithItsHashBreaksTheNextLink() async throws {
        let (journal, path) = try journal()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await fill(journal)
        // A forger who recomputes the changed record's own hash still breaks the link after it.
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in
            guard var record = try AuditRecord.fetchOne(db, key: 2) else { return }
            record.summary = "nothing to see"
            record.hash = record.computedHash
            try record.update(db)
        }
        let broken = try await journal.verifyAudit()
        #expect(broken?.record == 3)
        #expect(broken?.reason.contains("does not follow") == true)
    }

    @Test func aRemovedRecordOrEventIsNamed() async throws {
        let (journal, path) = try journal()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await fill(journal)
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in try db.execute(sql: "DELETE FROM audit WHERE sequence = 5") }
        let gap = try await journal.verifyAudit()
        #expect(gap?.record == 6)
        #expect(gap?.reason.contains("removed") == true)

        // The last event of a run removed from the journal, with the audit log intact.
        let (second, secondPath) = try self.journal()
        defer { try? FileManager.default.removeItem(atPath: secondPath) }
        try await fill(second)
        let other = try DatabaseQueue(path: second.path)
        try await other.write { db in try db.execute(sql: "DELETE FROM events WHERE run_id = 'r1' AND sequence = 2") }
        let removed = try await second.verifyAudit()
        #expect(removed?.runID == "r1")
        #expect(removed?.reason.contains("no longer holds") == true)
    }

    @Test func anEditedEventIsNamedWithItsRun() async throws {
        let (journal, path) = try journal()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await fill(journal)
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in try db.execute(sql: "UPDATE events SET exit = 1 WHERE run_id = 'r1' AND sequence = 2") }
        let broken = try await journal.verifyAudit()
        #expect(broken?.runID == "r1" && broken?.event == 2)
        #expect(broken?.description == "event 2 of run r1: the run's event chain is broken here (changed, inserted or removed)")
    }
}

/// Run locks: leases, takeovers and the explicit, audited break.
@Suite("Run locks")
struct RunLockTests {
    private func journal() throws -> (Journal, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-locks-\(UUID().uuidString)").path
        return (try Journal(directory: path), path)
    }

    private func begin(_ journal: Journal, _ id: String) async throws {
        try await journal.begin(JournalRun(id: id, runbook: "demo", file: "demo.yaml", initiator: "alice",
                                           controller: "elsewhere:1", planHash: "sha256:ab", parameters: ""))
    }

    @Test func aLiveHolderOnAnotherMachineKeepsItUntilItsLeaseLapses() async throws {
        let (journal, path) = try journal()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await begin(journal, "r1")
        try await begin(journal, "r2")
        // A controller on another machine: its liveness cannot be checked, only its lease.
        let first = try await journal.acquire(RunLock(name: "c1", runID: "r1", holder: "alice", controller: "elsewhere:1", lease: .seconds(60)))
        #expect(first.acquired)
        let refused = try await journal.acquire(RunLock(name: "c1", runID: "r2", holder: "bob", controller: "elsewhere:2"))
        #expect(!refused.acquired)
        #expect(refused.previous?.runID == "r1")
        #expect(try await journal.renew(lock: "c1", run: "r1", lease: .seconds(60)))
        let renewed = try #require(try await journal.locks().first?.expiresAt)
        #expect(renewed > Date().timeIntervalSince1970 + 50)
        // The holder stops renewing (it died, or its machine did): its lease runs out, here at once.
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in try db.execute(sql: "UPDATE locks SET expires_at = ? WHERE name = 'c1'", arguments: [Date().timeIntervalSince1970 - 1]) }
        let taken = try await journal.acquire(RunLock(name: "c1", runID: "r2", holder: "bob", controller: "elsewhere:2"))
        #expect(taken.acquired)
        #expect(taken.previous?.runID == "r1")
        // The old holder learns it lost the lock when it next renews.
        #expect(try await journal.renew(lock: "c1", run: "r1") == false)
        let actions = try await journal.auditRecords().map(\.action.rawValue)
        #expect(actions.suffix(2) == ["lock-taken", "lock-taken-over"])
        let takeover = try await journal.auditRecords().last
        #expect(takeover?.summary?.contains("lease lapsed") == true)
    }

    @Test func breakingALockIsRecordedInTheAuditLogAndTheRun() async throws {
        let (journal, path) = try journal()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await begin(journal, "r1")
        _ = try await journal.acquire(RunLock(name: "c1", runID: "r1", holder: "alice", controller: "elsewhere:1"))
        let broken = try await journal.breakLock("c1", reason: "alice's laptop is gone")
        #expect(broken?.runID == "r1")
        #expect(try await journal.locks().isEmpty)
        let nothing = try await journal.breakLock("c1", reason: "again")
        #expect(nothing == nil)
        let last = try await journal.auditRecords().suffix(2)
        #expect(last.map(\.action.rawValue) == ["lock-broken", "note"])
        #expect(last.first?.summary == "held by alice on elsewhere:1; reason: alice's laptop is gone")
        let note = try await journal.events(of: "r1").last
        #expect(note?.detail == "lock 'c1' broken by \(OperatingSystemUser.name): alice's laptop is gone")
        let intact = try await journal.verifyAudit()
        #expect(intact == nil)
    }
}
