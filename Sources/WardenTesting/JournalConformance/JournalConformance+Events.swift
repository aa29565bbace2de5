import Foundation
import WardenCore

extension JournalConformance {
    static var events: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("events are numbered 1, 2, 3... per run, chained, and read back as written") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1"))
                try await journal.begin(ConformanceSample.run("r2"))
                let first = try await journal.append(.init(runID: "r1", kind: .intent, step: "restart", host: "h01",
                                                           command: "systemctl restart x", at: ConformanceSample.at(1)))
                let other = try await journal.append(.init(runID: "r2", kind: .note, detail: "elsewhere", at: ConformanceSample.at(1.5)))
                let second = try await journal.append(.init(runID: "r1", kind: .outcome, step: "restart", host: "h01", command: "systemctl restart x",
                                                            status: .ok, exit: 0, detail: "{\"record\":{\"stdout\":\"é\\n\"}}",
                                                            at: ConformanceSample.at(2.25)))
                let third = try await journal.append(.init(runID: "r1", kind: .outcome, step: "restart", host: "h02", status: .failed,
                                                           detail: "", at: ConformanceSample.at(3)))
                try requireEqual([first, second, third].map(\.sequence), [1, 2, 3], "sequences in run r1")
                try requireEqual(other.sequence, 1, "the sequence of run r2's first event")
                try requireEqual(first.previousHash, JournalEvent.genesis, "the first event's previous hash")
                try require(second.previousHash == first.hash && third.previousHash == second.hash, "each event chains to the one before")
                try require([first, second, third].allSatisfy { $0.hash == $0.computedHash }, "each event's hash covers its fields")
                try requireEqual(try await journal.events(of: "r1"), [first, second, third], "run r1's events as read back")
                try requireEqual(try await journal.events(of: "r2"), [other], "run r2's events as read back")
                try requireEqual(try await journal.events(of: "r1", from: 2), [second, third], "run r1's events from 2 on")
                try requireEqual(try await journal.events(of: "r3"), [], "events of a run never begun")
                try requireEqual(try await journal.verify(run: "r1"), nil, "run r1's chain")
                try await requireJournalError(.noSuchRun, "appending to a run never begun") {
                    try await journal.append(.init(runID: "r3", kind: .note, detail: "lost"))
                }
            },
            JournalConformanceCheck("a batch of events is appended in one write, whole or not at all") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1"))
                try await journal.begin(ConformanceSample.run("r2"))
                let batch = try await journal.append([
                    .init(runID: "r1", kind: .intent, step: "s", host: "h01", command: "a"),
                    .init(runID: "r1", kind: .intent, step: "s", host: "h02", command: "b"),
                    .init(runID: "r2", kind: .intent, step: "s", host: "h01", command: "c"),
                ])
                try requireEqual(batch.map(\.sequence), [1, 2, 1], "the batch's sequences")
                try requireEqual(batch[1].previousHash, batch[0].hash, "the batch's second event chains to its first")
                try requireEqual(try await journal.events(of: "r1"), Array(batch.prefix(2)), "run r1's events")
                let head = try await journal.auditHead()
                // The second event names a run the journal does not hold: the first must not be kept either.
                try await requireJournalError(.noSuchRun, "a batch with an event of a run never begun") {
                    try await journal.append([.init(runID: "r1", kind: .outcome, step: "s", host: "h01", status: .ok, exit: 0),
                                              .init(runID: "missing", kind: .note, detail: "lost")])
                }
                try requireEqual(try await journal.events(of: "r1").count, 2, "run r1's events after the refused batch")
                try requireEqual(try await journal.auditHead().sequence, head.sequence, "the audit log after the refused batch")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("an append is seen by another journal on the store once it returns, and each continues the other's chain") { store in
                let journal = store.journal
                let other = try await store.reopen()
                try await journal.begin(ConformanceSample.run("r1"))
                let first = try await journal.append(.init(runID: "r1", kind: .intent, step: "s", host: "h01", command: "a"))
                try requireEqual(try await other.events(of: "r1"), [first], "what the other journal reads")
                let second = try await other.append(.init(runID: "r1", kind: .outcome, step: "s", host: "h01", status: .ok, exit: 0))
                try requireEqual(second.sequence, 2, "the other journal's event's sequence")
                try requireEqual(second.previousHash, first.hash, "the other journal's event chains to the first")
                try requireEqual(try await journal.events(of: "r1"), [first, second], "what the first journal reads")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
        ]
    }
}
