import Foundation
import WardenCore

extension JournalConformance {
    /// A lock of `run` held from `at` for `lease`, by a controller on another machine (whose
    /// liveness cannot be checked from here: only its lease says it is gone).
    private static func lock(_ name: String, _ run: String, at seconds: Double = 0, lease: Duration = .seconds(60)) -> RunLock {
        RunLock(name: name, runID: run, holder: "alice", controller: "elsewhere:\(run.count)", acquiredAt: ConformanceSample.at(seconds), lease: lease)
    }

    static var locks: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("a lock is held by one run until that run releases it") { store in
                let journal = store.journal
                for run in ["r1", "r2"] { try await journal.begin(ConformanceSample.run(run)) }
                let first = try await journal.acquire(lock("c1", "r1"), at: ConformanceSample.at(0))
                try require(first.acquired && first.previous == nil, "r1 takes a free lock: \(first)")
                try requireEqual(try await journal.locks(), [lock("c1", "r1")], "the locks held, as read back")
                let refused = try await journal.acquire(lock("c1", "r2", at: 1), at: ConformanceSample.at(1))
                try require(!refused.acquired && refused.previous?.runID == "r1", "r2 is refused, told r1 holds it: \(refused)")
                try await journal.release(lock: "c1", run: "r2", at: ConformanceSample.at(2))
                try requireEqual(try await journal.locks().map(\.runID), ["r1"], "the holder after another run's release")
                try await journal.release(lock: "c1", run: "r1", at: ConformanceSample.at(3))
                try requireEqual(try await journal.locks(), [], "the locks after the holder's release")
                let second = try await journal.acquire(lock("c1", "r2", at: 4), at: ConformanceSample.at(4))
                try require(second.acquired && second.previous == nil, "r2 takes it once released: \(second)")
                try requireEqual(try await journal.auditRecords().map(\.action).filter { $0 != .runStarted },
                                 [.lockTaken, .lockReleased, .lockTaken], "the locks' audit records")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("a lease lapses unless renewed, is then taken over (audited), and its old holder learns it when renewing") { store in
                let journal = store.journal
                for run in ["r1", "r2"] { try await journal.begin(ConformanceSample.run(run)) }
                _ = try await journal.acquire(lock("c1", "r1", lease: .seconds(60)), at: ConformanceSample.at(0))
                try require(try await journal.renew(lock: "c1", run: "r1", lease: .seconds(60), at: ConformanceSample.at(30)), "r1 renews its lease")
                try requireEqual(try await journal.locks().first?.expiresAt, ConformanceSample.at(90).timeIntervalSince1970, "the renewed expiry")
                let early = try await journal.acquire(lock("c1", "r2", at: 80), at: ConformanceSample.at(80))
                try require(!early.acquired, "r2 is refused before the renewed lease lapses: \(early)")
                let late = try await journal.acquire(lock("c1", "r2", at: 91), at: ConformanceSample.at(91))
                try require(late.acquired && late.previous?.runID == "r1", "r2 takes over the lapsed lock: \(late)")
                let takeover = try await journal.auditRecords().last
                try requireEqual(takeover?.action, .lockTakenOver, "the takeover's audit action")
                try require(takeover?.summary?.contains("lease lapsed") == true && takeover?.runID == "r2",
                            "the takeover says why, for r2: \(String(describing: takeover))")
                try require(!(try await journal.renew(lock: "c1", run: "r1", at: ConformanceSample.at(92))), "r1's renewal fails: it lost the lock")
                try requireEqual(try await journal.locks().map(\.runID), ["r2"], "the holder")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("the lock of a run that ended is taken over at once") { store in
                let journal = store.journal
                for run in ["r1", "r2"] { try await journal.begin(ConformanceSample.run(run)) }
                _ = try await journal.acquire(lock("c1", "r1"), at: ConformanceSample.at(0))
                try await journal.finish(run: "r1", status: .failed, reason: "died holding it", at: ConformanceSample.at(1))
                let taken = try await journal.acquire(lock("c1", "r2", at: 2), at: ConformanceSample.at(2))
                try require(taken.acquired && taken.previous?.runID == "r1", "r2 takes over r1's lock: \(taken)")
                try require(try await journal.auditRecords().last?.summary?.contains("no longer running") == true, "the takeover says why")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("breaking a lock is audited with who broke it and why, and noted in its run") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1"))
                _ = try await journal.acquire(lock("c1", "r1"), at: ConformanceSample.at(0))
                let broken = try await journal.breakLock("c1", reason: "alice's laptop is gone", at: ConformanceSample.at(1))
                try requireEqual(broken?.runID, "r1", "the lock broken")
                try requireEqual(try await journal.locks(), [], "the locks after the break")
                try requireEqual(try await journal.breakLock("c1", reason: "again"), nil, "breaking a lock nobody holds")
                let last = try await journal.auditRecords().suffix(2)
                try requireEqual(last.map(\.action), [.lockBroken, .event(.note)], "the last audit actions")
                try requireEqual(last.first?.summary, "held by alice on elsewhere:2; reason: alice's laptop is gone", "the break's audit summary")
                try requireEqual(last.first?.actor, journal.actor, "who broke it")
                let note = try await journal.events(of: "r1").last
                try requireEqual(note?.kind, .note, "the run's last event")
                try requireEqual(note?.detail, "lock 'c1' broken by \(journal.actor): alice's laptop is gone", "the run's note")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("runs racing for one free lock through two journals: exactly one takes it") { store in
                let journals = [store.journal, try await store.reopen()]
                let runs = (0..<8).map { "r\($0)" }
                for run in runs { try await store.journal.begin(ConformanceSample.run(run)) }
                let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for (index, run) in runs.enumerated() {
                        group.addTask { try await journals[index % 2].acquire(lock("c1", run), at: ConformanceSample.at(0)).acquired }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                try requireEqual(taken, 1, "runs that took the lock")
                try requireEqual(try await store.journal.auditRecords().filter { $0.lock == "c1" }.map(\.action), [.lockTaken], "the lock's audit records")
                try requireEqual(try await store.journal.verifyAudit(), nil, "verifyAudit")
            },
        ]
    }
}
