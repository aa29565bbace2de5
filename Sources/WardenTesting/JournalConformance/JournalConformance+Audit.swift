import Foundation
import WardenCore

extension JournalConformance {
    /// A run with a lock, an approval, two commands and an end: seven audit records.
    private static func fill(_ journal: Journal) async throws {
        try await journal.begin(ConformanceSample.run("r1"))
        _ = try await journal.acquire(RunLock(name: "c1", runID: "r1", holder: "alice", controller: "bastion:42"), at: ConformanceSample.at(1))
        try await journal.record(Approval(runID: "r1", step: "gate", approver: "bob", decision: .approve, comment: "ok", planHash: "sha256:ab",
                                          at: ConformanceSample.at(2)))
        try await journal.append(.init(runID: "r1", kind: .intent, step: "restart", host: "h01", command: "systemctl restart x",
                                       at: ConformanceSample.at(3)))
        try await journal.append(.init(runID: "r1", kind: .outcome, step: "restart", host: "h01", status: .ok, exit: 0, at: ConformanceSample.at(4)))
        try await journal.release(lock: "c1", run: "r1", at: ConformanceSample.at(5))
        try await journal.finish(run: "r1", status: .succeeded, reason: nil, at: ConformanceSample.at(6))
    }

    private static func audit(_ journal: Journal, _ sequence: Int) async throws -> AuditRecord {
        guard let record = try await journal.auditRecords(from: sequence).first, record.sequence == sequence else {
            throw ConformanceFailure("no audit record \(sequence)")
        }
        return record
    }

    static var audit: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("every action leaves one audit record, in order, chained, saying who did what when") { store in
                let journal = store.journal
                try await fill(journal)
                let records = try await journal.auditRecords()
                try requireEqual(records.map(\.action), [.runStarted, .lockTaken, .approval, .event(.intent), .event(.outcome), .lockReleased, .runFinished],
                                 "the audit actions")
                try requireEqual(records.map(\.sequence), Array(1...7), "the audit sequences")
                try requireEqual(records.map(\.at), [0, 1, 2, 3, 4, 5, 6].map { ConformanceSample.at($0).timeIntervalSince1970 }, "the audit times")
                try require(records.allSatisfy { $0.actor == journal.actor }, "every record names the journal's actor")
                try requireEqual(records[0].previousHash, AuditRecord.genesis, "the first record's previous hash")
                try require(zip(records, records.dropFirst()).allSatisfy { $0.hash == $1.previousHash }, "each record chains to the one before")
                try require(records.allSatisfy { $0.hash == $0.computedHash }, "each record's hash covers its fields")
                try requireEqual(records[0].status, "sha256:ab", "run-started carries the plan hash")
                try require(records[0].summary?.contains("<secret>") == true, "run-started carries the redacted parameters")
                try require(records[2].status == "approve" && records[2].summary == "ok" && records[2].step == "gate", "the approval's record")
                try require(records[3].host == "h01" && records[3].summary == "systemctl restart x" && records[3].event == 1, "the intent's record")
                let events = try await journal.events(of: "r1")
                try requireEqual(events.count, 2, "run r1's events")
                try requireEqual(records[4].digest, events[1].hash, "an event's record carries the event's hash")
                try requireEqual(records[6].status, "succeeded", "run-finished carries the status")
                try requireEqual(try await journal.auditRecords(from: 6).map(\.sequence), [6, 7], "the records from 6 on")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("an audit record changed behind the journal's back is named") { store in
                try await fill(store.journal)
                var record = try await audit(store.journal, 3)
                record.actor = "mallory"
                try await store.tampering.replace(record)
                let broken = try await store.journal.verifyAudit()
                try require(broken?.record == 3 && broken?.reason.contains("changed") == true, "record 3's actor changed: \(String(describing: broken))")
            },
            JournalConformanceCheck("an audit record rewritten with its own hash recomputed breaks the link after it") { store in
                try await fill(store.journal)
                var record = try await audit(store.journal, 2)
                record.summary = "nothing to see"
                record.hash = record.computedHash
                try await store.tampering.replace(record)
                let broken = try await store.journal.verifyAudit()
                try require(broken?.record == 3 && broken?.reason.contains("does not follow") == true, "record 2 rewritten: \(String(describing: broken))")
            },
            JournalConformanceCheck("an audit record removed is named") { store in
                try await fill(store.journal)
                try await store.tampering.deleteAuditRecord(5)
                let broken = try await store.journal.verifyAudit()
                try require(broken?.record == 6 && broken?.reason.contains("removed") == true, "record 5 removed: \(String(describing: broken))")
            },
            JournalConformanceCheck("an audit record inserted is named, even chained and hashed as Warden would") { store in
                try await fill(store.journal)
                let head = try await audit(store.journal, 7)
                // A record claiming a lock nobody took, chained to the head as Warden would write it.
                let forged = AuditRecord(draft: .init(action: .lockTaken, runID: "r1", lock: "forged"), actor: "mallory",
                                         at: ConformanceSample.at(7), sequence: 8, previousHash: head.hash)
                try await store.tampering.insert(forged)
                var broken = try await store.journal.verifyAudit()
                try require(broken?.record == 8 && broken?.reason.contains("the locks table no longer holds it") == true,
                            "a forged lock record: \(String(describing: broken))")
                // One that does not even chain.
                try await store.tampering.deleteAuditRecord(8)
                try await store.tampering.insert(AuditRecord(draft: .init(action: .runAdopted, runID: "r1", summary: "resumed on x:1"),
                                                             actor: "mallory", at: ConformanceSample.at(7), sequence: 8, previousHash: AuditRecord.genesis))
                broken = try await store.journal.verifyAudit()
                try require(broken?.record == 8 && broken?.reason.contains("does not follow") == true, "an unchained record: \(String(describing: broken))")
            },
            JournalConformanceCheck("an event changed, removed or inserted behind the journal's back is named") { store in
                let journal = store.journal
                try await fill(journal)
                let events = try await journal.events(of: "r1")
                try requireEqual(events.count, 2, "run r1's events")
                var changed = events[1]
                changed.exit = 1
                try await store.tampering.replace(changed)
                var broken = try await journal.verifyAudit()
                try requireEqual(broken?.description, "event 2 of run r1: the run's event chain is broken here (changed, inserted or removed)", "an exit changed")
                try requireEqual(try await journal.verify(run: "r1"), 2, "the run's chain")
                try await store.tampering.replace(events[1])
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit once put back")

                try await store.tampering.deleteEvent(run: "r1", sequence: 2)
                broken = try await journal.verifyAudit()
                try require(broken?.runID == "r1" && broken?.reason.contains("no longer holds") == true, "the last event removed: \(String(describing: broken))")
                try await store.tampering.insert(events[1])

                // An event appended as Warden would chain it, but that no audit record covers.
                let forged = JournalEvent(draft: .init(runID: "r1", kind: .note, detail: "all fine", at: ConformanceSample.at(9)),
                                          sequence: 3, previousHash: events[1].hash)
                try await store.tampering.insert(forged)
                broken = try await journal.verifyAudit()
                try require(broken?.runID == "r1" && broken?.reason.contains("disagree") == true, "an event inserted: \(String(describing: broken))")
            },
            JournalConformanceCheck("an approval or a lock added or removed behind the journal's back is named") { store in
                let journal = store.journal
                try await fill(journal)
                try await store.tampering.insert(Approval(runID: "r1", step: "gate", approver: "mallory", decision: .approve, comment: nil,
                                                          planHash: "sha256:ab", at: ConformanceSample.at(9)))
                var broken = try await journal.verifyAudit()
                try require(broken?.reason.contains("approve by mallory at step 'gate' that the audit log never recorded") == true,
                            "an approval inserted: \(String(describing: broken))")
                try await store.tampering.deleteApprovals(of: "r1")
                broken = try await journal.verifyAudit()
                try require(broken?.reason.contains("records an approval the approvals table no longer holds") == true,
                            "an approval removed: \(String(describing: broken))")

                let second = try await store.reopen()
                try await store.tampering.insert(Approval(runID: "r1", step: "gate", approver: "bob", decision: .approve, comment: "ok",
                                                          planHash: "sha256:ab", at: ConformanceSample.at(2)))
                try requireEqual(try await second.verifyAudit(), nil, "verifyAudit once put back")
                try await journal.begin(ConformanceSample.run("r2"))
                _ = try await journal.acquire(RunLock(name: "c2", runID: "r2", holder: "alice", controller: "bastion:42"), at: ConformanceSample.at(10))
                try await store.tampering.deleteLock("c2")
                broken = try await journal.verifyAudit()
                try require(broken?.reason.contains("lock 'c2' held by run r2, but the locks table no longer holds it") == true,
                            "a lock removed: \(String(describing: broken))")
                try await store.tampering.insert(RunLock(name: "c2", runID: "r2", holder: "alice", controller: "bastion:42"))
                try await store.tampering.insert(RunLock(name: "c3", runID: "r2", holder: "eve", controller: "x:1"))
                broken = try await journal.verifyAudit()
                try require(broken?.reason.contains("lock 'c3' for run r2 that the audit log never recorded as taken") == true,
                            "a lock inserted: \(String(describing: broken))")
            },
        ]
    }
}
