import Foundation
import WardenCore

extension JournalConformance {
    static var checkpoints: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("checkpoints are kept in the order recorded, each with its audit record, and bind the record they sign for") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1"))
                let head = try await journal.auditHead()
                try requireEqual(head.sequence, 1, "the head after a run began")
                let started = Checkpoint(runID: "r1", phase: .started, auditSequence: head.sequence, auditHash: head.hash, signer: "alice",
                                         signature: "signature one", at: ConformanceSample.at(1))
                try await journal.record(started)
                try await journal.append(.init(runID: "r1", kind: .note, detail: "work", at: ConformanceSample.at(2)))
                try await journal.finish(run: "r1", status: .succeeded, reason: nil, at: ConformanceSample.at(3))
                let end = try await journal.auditHead()
                // Recorded second though its time is earlier: the order is the recording's.
                let finished = Checkpoint(runID: "r1", phase: .finished, auditSequence: end.sequence, auditHash: end.hash, signer: "alice",
                                          signature: "signature two", at: ConformanceSample.at(0.5))
                try await journal.record(finished)
                try requireEqual(try await journal.checkpoints(), [started, finished], "the checkpoints as read back")
                let records = try await journal.auditRecords().filter { $0.action == .checkpoint }
                try requireEqual(records.map(\.status), ["started", "finished"], "the checkpoints' audit records")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")

                var forged = started
                forged.auditHash = String(repeating: "f", count: 64)
                try await store.tampering.replace(forged)
                let broken = try await journal.verifyAudit()
                try require(broken?.record == 1 && broken?.reason.contains("signed for another hash of this record") == true,
                            "a checkpoint's hash changed: \(String(describing: broken))")
                try await requireJournalError(.noSuchRun, "a checkpoint of a run never begun") {
                    try await journal.record(Checkpoint(runID: "missing", phase: .started, auditSequence: 1, auditHash: head.hash, signer: "a",
                                                        signature: "s"))
                }
            },
        ]
    }
}
