import Foundation
import GRDB
import Testing
@testable import WardenCore

/// Signed checkpoints against an insider: someone who can write the state
/// folder rewrites a recorded command and recomputes both hash chains, which
/// `verifyAudit` alone cannot tell from the truth. A checkpoint signed with
/// the run's key can (real SQLite, real ssh-keygen).
@Suite("Signed checkpoints")
struct CheckpointTests {
    private struct Folder {
        let path: String
        let journal: Journal
        let key: String
        let signers: String
    }

    /// A journal and a key pair for `principal`, listed in an allowed_signers file.
    private func folder(signer principal: String = "alice") async throws -> Folder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-checkpoints-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path + "/keys", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let made = await LocalProcess.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path + "/keys/key"], in: path + "/keys")
        #expect(made.status == 0, "\(made.stderr)")
        let publicKey = try String(contentsOfFile: path + "/keys/key.pub", encoding: .utf8)
        try "\(principal) \(publicKey)".write(toFile: path + "/keys/allowed_signers", atomically: false, encoding: .utf8)
        return Folder(path: path, journal: try Journal(directory: path + "/state"), key: path + "/keys/key", signers: path + "/keys/allowed_signers")
    }

    /// A run with a lock, two commands and an end, signed at its start and end when a signer is given.
    private func run(_ id: String, in journal: Journal, signer: CheckpointSigner?) async throws {
        try await journal.begin(JournalRun(id: id, runbook: "demo", file: "demo.yaml", initiator: "alice", controller: "bastion:42",
                                           planHash: "sha256:ab", parameters: "tag=x", plan: "{}"))
        try await signer?.checkpoint(id, phase: .started, in: journal)
        _ = try await journal.acquire(RunLock(name: "c-\(id)", runID: id, holder: "alice", controller: "bastion:42"))
        try await journal.append(.init(runID: id, kind: .intent, step: "restart", host: "h01", command: "echo approved-change"))
        try await journal.append(.init(runID: id, kind: .outcome, step: "restart", host: "h01", status: .ok, exit: 0))
        try await journal.release(lock: "c-\(id)", run: id)
        try await journal.finish(run: id, status: .succeeded, reason: nil)
        try await signer?.checkpoint(id, phase: .finished, in: journal)
    }

    /// What the review's forger did: every run's event chain and the audit chain recomputed
    /// after an edit, each audit record of an event carrying the event's new hash.
    private func recomputeChains(_ journal: Journal) async throws {
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in
            var eventHashes: [String: String] = [:]
            for runID in try String.fetchAll(db, sql: "SELECT id FROM runs") {
                var previous = JournalEvent.genesis
                for var event in try JournalEvent.filter(Column("run_id") == runID).order(Column("sequence")).fetchAll(db) {
                    event.previousHash = previous
                    event.hash = event.computedHash
                    try db.execute(sql: "UPDATE events SET previous_hash = ?, hash = ? WHERE run_id = ? AND sequence = ?",
                                   arguments: [event.previousHash, event.hash, runID, event.sequence])
                    eventHashes["\(runID)/\(event.sequence)"] = event.hash
                    previous = event.hash
                }
            }
            var previous = AuditRecord.genesis
            var sequence = 0
            for var record in try AuditRecord.order(Column("sequence")).fetchAll(db) {
                let old = record.sequence
                sequence += 1
                record.sequence = sequence
                if let run = record.runID, let event = record.event, let hash = eventHashes["\(run)/\(event)"] { record.digest = hash }
                record.previousHash = previous
                record.hash = record.computedHash
                try db.execute(sql: "UPDATE audit SET sequence = ?, digest = ?, previous_hash = ?, hash = ? WHERE sequence = ?",
                               arguments: [record.sequence, record.digest, record.previousHash, record.hash, old])
                previous = record.hash
            }
        }
    }

    /// The edit the review reproduced: the recorded command (and its audit summary) rewritten.
    private func rewriteCommand(_ journal: Journal, run: String) async throws {
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in
            try db.execute(sql: "UPDATE events SET command = 'echo innocent' WHERE run_id = ? AND kind = 'intent'", arguments: [run])
            try db.execute(sql: "UPDATE audit SET summary = 'echo innocent' WHERE run_id = ? AND action = 'intent'", arguments: [run])
        }
        try await recomputeChains(journal)
    }

    @Test func aHistoryRewrittenWithBothChainsRecomputedBreaksASignedCheckpoint() async throws {
        let unsigned = try await folder()
        defer { try? FileManager.default.removeItem(atPath: unsigned.path) }
        try await run("r1", in: unsigned.journal, signer: nil)
        try await rewriteCommand(unsigned.journal, run: "r1")
        // Without a checkpoint the forgery passes: this is the finding.
        #expect(try await unsigned.journal.verifyAudit() == nil)

        let signed = try await folder()
        defer { try? FileManager.default.removeItem(atPath: signed.path) }
        try await run("r1", in: signed.journal, signer: CheckpointSigner(key: signed.key, principal: "alice"))
        #expect(try await signed.journal.verifyAudit() == nil)
        try await rewriteCommand(signed.journal, run: "r1")
        let broken = try await signed.journal.verifyAudit()
        #expect(broken?.runID == "r1")
        #expect(broken?.reason.contains("signed for another hash of this record") == true, "\(String(describing: broken))")
    }

    @Test func theReviewNamesWhoSignedWithWhichKeyAndTheUnsignedTail() async throws {
        let folder = try await folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        try await run("r1", in: folder.journal, signer: CheckpointSigner(key: folder.key, principal: "alice"))
        var review = try await CheckpointReview.review(folder.journal, allowedSigners: folder.signers, required: true)
        #expect(review.entries.map(\.checkpoint.phase) == [.started, .finished])
        for entry in review.entries {
            guard case let .signed(key) = entry.verdict else {
                Issue.record("expected a verified signature, got \(entry.verdict)")
                continue
            }
            #expect(key.contains("ED25519 key SHA256:"), "\(key)")
        }
        #expect(review.tail == nil && review.uncovered.isEmpty && review.holds)
        // A note appended later is not covered: the review says how much is open.
        let before = try await folder.journal.auditHead().sequence
        try await folder.journal.append(.init(runID: "r1", kind: .note, detail: "later"))
        review = try await CheckpointReview.review(folder.journal, allowedSigners: folder.signers, required: true)
        #expect(review.tail == (before + 1)...(before + 1))
        #expect(review.holds, "a note after the end leaves the run's end covered")
        // Without allowed signers nothing can be checked, and nothing is claimed.
        review = try await CheckpointReview.review(folder.journal, allowedSigners: nil, required: false)
        #expect(review.entries.allSatisfy { $0.verdict == .unchecked })
    }

    @Test func aCheckpointSignedWithAnotherKeyDoesNotVerify() async throws {
        let folder = try await folder()
        let mallory = try await self.folder(signer: "mallory")
        defer {
            try? FileManager.default.removeItem(atPath: folder.path)
            try? FileManager.default.removeItem(atPath: mallory.path)
        }
        try await run("r1", in: folder.journal, signer: nil)
        // Mallory signs a checkpoint in alice's name with her own key.
        try await CheckpointSigner(key: mallory.key, principal: "alice").checkpoint("r1", phase: .finished, in: folder.journal)
        #expect(try await folder.journal.verifyAudit() == nil, "the rows are consistent: only the signature can tell")
        let review = try await CheckpointReview.review(folder.journal, allowedSigners: folder.signers, required: true)
        guard case let .doesNotVerify(reason) = review.entries.first?.verdict else {
            Issue.record("expected a signature that does not verify, got \(String(describing: review.entries.first?.verdict))")
            return
        }
        #expect(reason.contains("alice's checkpoint does not verify"), "\(reason)")
        #expect(!review.holds)
        #expect(review.uncovered.map(\.runID) == ["r1"], "a forged checkpoint covers nothing")
    }

    @Test func checkpointsRemovedWithTheirRecordsAreMissedWhenThePolicyRequiresThem() async throws {
        let folder = try await folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let alice = CheckpointSigner(key: folder.key, principal: "alice")
        try await run("r0", in: folder.journal, signer: nil)
        try await run("r1", in: folder.journal, signer: alice)
        var review = try await CheckpointReview.review(folder.journal, allowedSigners: folder.signers, required: true)
        #expect(review.uncovered.isEmpty, "r0 ended before r1's signed checkpoints, which fix its records too: \(review.uncovered)")
        // The insider removes r1's checkpoints and their audit records, recomputes the chain, and rewrites r1.
        let database = try DatabaseQueue(path: folder.journal.path)
        try await database.write { db in
            try db.execute(sql: "DELETE FROM checkpoints")
            try db.execute(sql: "DELETE FROM audit WHERE action = 'checkpoint'")
        }
        try await rewriteCommand(folder.journal, run: "r1")
        #expect(try await folder.journal.verifyAudit() == nil)
        review = try await CheckpointReview.review(folder.journal, allowedSigners: folder.signers, required: true)
        #expect(Set(review.uncovered.map(\.runID)) == ["r0", "r1"])
        #expect(review.uncovered.first { $0.runID == "r1" }?.reason.contains("the checkpoint of its end is missing") == true)
        // Not required: the same journal is reported with its open tail, and does not fail.
        review = try await CheckpointReview.review(folder.journal, allowedSigners: folder.signers, required: false)
        #expect(review.holds && review.tail != nil)
    }

    @Test func aCheckpointRowChangedOrInsertedOutsideWardenIsNamed() async throws {
        let folder = try await folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        try await run("r1", in: folder.journal, signer: CheckpointSigner(key: folder.key, principal: "alice"))
        let database = try DatabaseQueue(path: folder.journal.path)
        try await database.write { db in
            try db.execute(sql: "INSERT INTO checkpoints (run_id, phase, audit_sequence, audit_hash, signer, signature, at) SELECT run_id, 'resumed', audit_sequence, audit_hash, signer, signature, at FROM checkpoints LIMIT 1")
        }
        let broken = try await folder.journal.verifyAudit()
        #expect(broken?.reason.contains("that the audit log never recorded: it was inserted outside Warden") == true, "\(String(describing: broken))")
    }

    @Test func theLocksTableMustBeWhatTheAuditLogLeft() async throws {
        let folder = try await folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let journal = folder.journal
        try await journal.begin(JournalRun(id: "r1", runbook: "demo", file: "demo.yaml", initiator: "alice", controller: "bastion:42",
                                           planHash: "sha256:ab", parameters: "", plan: "{}"))
        _ = try await journal.acquire(RunLock(name: "cluster", runID: "r1", holder: "alice", controller: "bastion:42"))
        #expect(try await journal.verifyAudit() == nil)
        let database = try DatabaseQueue(path: journal.path)
        // Removed, to let a second run into what the lock guards.
        try await database.write { db in try db.execute(sql: "DELETE FROM locks") }
        var broken = try await journal.verifyAudit()
        #expect(broken?.reason.contains("lock 'cluster' held by run r1, but the locks table no longer holds it") == true, "\(String(describing: broken))")
        // Handed to another run.
        try await database.write { db in
            try db.execute(sql: "INSERT INTO locks (name, run_id, holder, controller, acquired_at) VALUES ('cluster', 'r2', 'eve', 'x:1', 1)")
        }
        broken = try await journal.verifyAudit()
        #expect(broken?.reason.contains("gives lock 'cluster' to run r2, but the audit log gave it to run r1") == true, "\(String(describing: broken))")
        // Inserted, to keep others out.
        try await database.write { db in
            try db.execute(sql: "INSERT INTO locks (name, run_id, holder, controller, acquired_at) VALUES ('other', 'r2', 'eve', 'x:1', 1)")
            try db.execute(sql: "UPDATE locks SET run_id = 'r1' WHERE name = 'cluster'")
        }
        broken = try await journal.verifyAudit()
        #expect(broken?.reason.contains("lock 'other' for run r2 that the audit log never recorded as taken") == true, "\(String(describing: broken))")
    }

    @Test func thePolicyReadsItsCheckpointsSection() throws {
        // Any root-owned file nobody else can write passes the ownership check a signers file gets.
        let policy = try ApprovalPolicy.parse("""
            checkpoints:
              required: true
              allowed_signers: /etc/passwd
            """, file: "policy.yaml")
        #expect(policy.requireCheckpoints && policy.checkpointAllowedSigners == "/etc/passwd")
        #expect {
            try ApprovalPolicy.parse("checkpoints:\n  required: true\n", file: "policy.yaml")
        } throws: { error in
            "\(error)".contains("checkpoints: required needs allowed_signers")
        }
        #expect {
            try ApprovalPolicy.parse("checkpoints:\n  requird: true\n", file: "policy.yaml")
        } throws: { error in
            "\(error)".contains("policy.yaml:2:3: error: unknown key 'requird' in checkpoints; did you mean 'required'?")
        }
    }
}
