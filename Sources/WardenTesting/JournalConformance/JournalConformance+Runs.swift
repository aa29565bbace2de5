import Foundation
import WardenCore

extension JournalConformance {
    static var runs: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("a new journal is empty and its audit log holds") { store in
                let journal = store.journal
                try requireEqual(try await journal.runs(), [], "runs of a new journal")
                let head = try await journal.auditHead()
                try require(head.sequence == 0 && head.hash == AuditRecord.genesis, "the head of an empty audit log: \(head)")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit of a new journal")
            },
            JournalConformanceCheck("a run reads back as it began, runs list newest first, and a run id is taken once") { store in
                let journal = store.journal
                let older = ConformanceSample.run("r1")
                let newer = ConformanceSample.run("r2", startedAt: ConformanceSample.at(60), initiator: "bob")
                try await journal.begin(older)
                try await journal.begin(newer)
                try requireEqual(try await journal.run("r1"), older, "run r1 as read back")
                try requireEqual(try await journal.runs().map(\.id), ["r2", "r1"], "runs, newest first")
                try requireEqual(try await journal.run("r3"), nil, "a run never begun")
                try await requireJournalError(.cannotWrite, "beginning run r1 again") { try await journal.begin(older) }
                try requireEqual(try await journal.run("r1"), older, "run r1 after a second begin was refused")
            },
            JournalConformanceCheck("runs page newest first by filter and cursor, and a run's trigger reads back") { store in
                let journal = store.journal
                // Two runs share a start time: the id orders them, so no page repeats or skips one.
                let samples: [(String, Double, RunTrigger, String)] = [
                    ("a", 10, .terminal, "alice"), ("b", 20, .api, "bob"), ("c", 20, .api, "alice"), ("d", 30, .schedule, "bob"),
                    ("e", 40, .alert, "alice"),
                ]
                for (id, at, trigger, initiator) in samples {
                    var run = ConformanceSample.run(id, startedAt: ConformanceSample.at(at), initiator: initiator)
                    run.trigger = trigger
                    try await journal.begin(run)
                }
                try await journal.finish(run: "d", status: .succeeded, reason: nil)
                try requireEqual(try await journal.run("d")?.trigger, .schedule, "the trigger of run d")
                var seen: [String] = []
                var cursor: RunQuery.Cursor?
                for _ in 0..<4 {
                    let page = try await journal.runs(RunQuery(after: cursor, limit: 2))
                    seen += page.map(\.id)
                    guard let last = page.last else { break }
                    cursor = RunQuery.Cursor(after: last)
                }
                try requireEqual(seen, ["e", "d", "c", "b", "a"], "every run once, newest first, in pages of two")
                try requireEqual(try await journal.runs(RunQuery(trigger: .api)).map(\.id), ["c", "b"], "runs started through the API")
                try requireEqual(try await journal.runs(RunQuery(initiator: "alice", limit: 2)).map(\.id), ["e", "c"], "alice's two newest")
                try requireEqual(try await journal.runs(RunQuery(status: .running, runbook: "demo")).map(\.id), ["e", "c", "b", "a"],
                                 "running runs of runbook demo")
                try requireEqual(try await journal.runs(RunQuery(runbook: "other")), [], "runs of a runbook never run")
            },
            JournalConformanceCheck("finishing a run records how, why and when it ended; a run the journal does not hold is refused") { store in
                let journal = store.journal
                for (index, status) in RunStatus.allCases.enumerated() {
                    let id = "r\(index)"
                    try await journal.begin(ConformanceSample.run(id))
                    let end = ConformanceSample.at(Double(index) + 0.5)
                    try await journal.finish(run: id, status: status, reason: "because \(status)", at: end)
                    let run = try await journal.run(id)
                    try requireEqual(run?.status, .ended(status), "status of run \(id)")
                    try requireEqual(run?.reason, "because \(status)", "reason of run \(id)")
                    try requireEqual(run?.finishedAt, end.timeIntervalSince1970, "end of run \(id)")
                }
                try await requireJournalError(.noSuchRun, "finishing a run never begun") {
                    try await journal.finish(run: "missing", status: .failed, reason: nil)
                }
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("a resume hands the run and its locks to its controller; the journal still holds, and a row changed afterwards is named") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1"))
                _ = try await journal.acquire(RunLock(name: "c1", runID: "r1", holder: "alice", controller: "bastion:42"))
                try await journal.adopt(run: "r1", controller: "other:7", at: ConformanceSample.at(5))
                let adopted = try await journal.run("r1")
                try requireEqual(adopted?.controller, "other:7", "the run's controller")
                try requireEqual(try await journal.locks().map(\.controller), ["other:7"], "its lock's controller")
                try requireEqual(try await journal.auditRecords().last?.action, .runAdopted, "the last audit action")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit after the adoption")
                guard var changed = adopted else { throw ConformanceFailure("run r1 is gone") }
                changed.parameters = "{\"service\":\"y\"}"
                try await store.tampering.replace(changed)
                let broken = try await journal.verifyAudit()
                try require(broken?.runID == "r1" && broken?.reason.contains("the run's row") == true,
                            "a run's parameters changed after its adoption: \(String(describing: broken))")
                try await requireJournalError(.noSuchRun, "adopting a run never begun") { try await journal.adopt(run: "missing", controller: "x:1") }
            },
        ]
    }
}
